# plot.gp: made by ephemera for kb319502-quick; gnuplot plot.gp
set datafile separator ','
set title "kb319502-quick\nKB 319502 in miniature: 100 ports, 60 s TIME_WAIT, 200 connections/s"
set xlabel 'model time (s)'
set ylabel 'TIME_WAIT sockets (lab)'
set y2label 'failed connections per interval'
set ytics nomirror
set y2tics
set xrange [0:*]
set yrange [0:*]
set y2range [0:*]
set key left center
set grid
set arrow 1 from graph 0, first 100.0 to graph 1, first 100.0 nohead dt 2 lc rgb '#1f77b4'
set label 1 'model: rate x TIME_WAIT = 100' at graph 0.02, first 100.0 offset 0,-0.8 tc rgb '#1f77b4'
set arrow 2 from first 0.500, graph 0 to first 0.500, graph 1 nohead dt 3 lc rgb '#d62728'
set label 2 'predicted first failure 0.5 s' at first 0.500, graph 0.95 offset 0.5,0 tc rgb '#d62728'
S = 1
do for [t in 'pngcairo svg'] {
  set terminal t size 1000,600 noenhanced
  set output 'plot.'.(t eq 'svg' ? 'svg' : 'png')
  plot 'loadgen.csv' skip 1 using ($1*S):5 axes x1y2 with impulses lw 2 lc rgb '#d62728' title 'failed', \
       '' skip 1 using ($1*S):18 with lines lw 2 lc rgb '#1f77b4' title 'TIME_WAIT (kernel)'
}
