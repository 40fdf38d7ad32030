# plot.gp: made by ephemera for kb319502-fix3-mailboxcachettl; gnuplot plot.gp
set datafile separator ','
set title "kb319502-fix3-mailboxcachettl\nKB 319502 fix 3: MailboxCacheTTL 30 min (1024-5000, 240 s) at 25 requests/s"
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
set arrow 1 from graph 0, first 3977.0 to graph 1, first 3977.0 nohead dt 2 lc rgb '#1f77b4'
set label 1 'model: rate x TIME_WAIT = 3977' at graph 0.02, first 3977.0 offset 0,-0.8 tc rgb '#1f77b4'
S = 10
do for [t in 'pngcairo svg'] {
  set terminal t size 1000,600 noenhanced
  set output 'plot.'.(t eq 'svg' ? 'svg' : 'png')
  plot 'loadgen.csv' skip 1 using ($1*S):5 axes x1y2 with impulses lw 2 lc rgb '#d62728' title 'failed', \
       '' skip 1 using ($1*S):18 with lines lw 2 lc rgb '#1f77b4' title 'TIME_WAIT (kernel)'
}
