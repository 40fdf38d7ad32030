set terminal pngcairo size 960,600
set output 'soak.png'
set datafile separator ','
set key outside right top
set multiplot layout 2,1 title 'soak: both programs, sampled each second'
set ylabel 'resident memory (KiB)'
set yrange [0:*]
plot 'soak.csv' using 1:2 skip 1 with lines title 'fake-imapd', \
     '' using 1:4 skip 1 with lines title 'loadgen'
set xlabel 'elapsed (s)'
set ylabel 'open descriptors'
plot 'soak.csv' using 1:3 skip 1 with lines title 'fake-imapd', \
     '' using 1:5 skip 1 with lines title 'loadgen'
unset multiplot
