# plot.gp: made by ephemera for kb319502-fix3-mailboxcachettl; gnuplot plot.gp
set datafile separator ','
set title "kb319502-fix3-mailboxcachettl\nKB 319502 fix 3: MailboxCacheTTL 30 min (1024-5000, 240 s) at 25 requests/s"
set xlabel 'model time (s)'
set ylabel 'sockets in the lab (count)'
set y2label 'failed connections per model second (1/s)'
set ytics nomirror
set y2tics
set xrange [0:*]
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set key tmargin center horizontal maxrows 2 samplen 3
set grid
set style textbox opaque noborder
$fail << EOD
0,0
240.100000,0.000000
EOD
S = 10
stats $fail using 2 nooutput
set y2range [0:(STATS_max > 0 ? STATS_max * 1.1 : 1)]
do for [t in 'pngcairo svg'] {
  set terminal t size 1000,600 noenhanced
  set output 'plot.'.(t eq 'svg' ? 'svg' : 'png')
  plot 'loadgen.csv' skip 1 using ($1*S):6 with lines lw 2 lc rgb '#ff7f00' title 'connections open (loadgen)', \
       'loadgen.csv' skip 1 using ($1*S):51 with lines dt 2 lw 2 lc rgb '#2ca02c' title 'TIME_WAIT, client side', \
       '' skip 1 using ($1*S):52 with lines dt 3 lw 2 lc rgb '#9467bd' title 'TIME_WAIT, server side', \
       'loadgen.csv' skip 1 using ($1*S):18 with linespoints lw 1.5 pt 7 ps 0.35 lc rgb '#08306b' title 'TIME_WAIT (kernel: kept 60 s, ports reused after the modelled TIME_WAIT)', \
       $fail using 1:2 axes x1y2 with fsteps lw 2 lc rgb '#d62728' title 'failed per second'
}
