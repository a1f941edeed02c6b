# Charts for scripts/bench: throughput.png and latency.png in outdir.
#
# Usage (scripts/bench runs this):
#   gnuplot -e "datafile='summary.dat'; outdir='.'; have_redis=1; subtitle='...'" bench_plot.gp
#
# datafile is tab-separated, one row per workload/test:
#   "label"  mini_rps  redis_rps  mini_p50  redis_p50  mini_p99  redis_p99
# With have_redis=0 the redis columns are ignored and only mini-redis is drawn.
# Each bar carries its value, so that small bars stay readable next to tall ones.

if (!exists("datafile")) datafile = 'summary.dat'
if (!exists("outdir")) outdir = '.'
if (!exists("have_redis")) have_redis = 1
if (!exists("subtitle")) subtitle = ''

mini_colour = '#1f77b4'
redis_colour = '#d62728'

set datafile separator "\t"
set datafile missing "NaN"
stats datafile using 2 nooutput
rows = STATS_records

# Clustered histogram geometry: with n bars per cluster and gap 1, each bar is
# 1/(n+1) wide and the cluster for row i is centred on x = i.
bars = have_redis ? 2 : 1
bar_w = 1.0 / (bars + 1)
mini_x(i) = have_redis ? i - bar_w / 2 : i
redis_x(i) = i + bar_w / 2

set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border rgb '#333333'
set boxwidth 0.9 relative
set xrange [-0.6 : rows - 0.4]
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
set xtics rotate by -35 left nomirror scale 0 font ',10'
set ytics nomirror
set grid ytics lc rgb '#dddddd'
set border 3
set key outside right top vertical Left reverse samplen 2

# ----------------------------------------------------------------- throughput
set terminal pngcairo size 1300,700 font 'sans,11' noenhanced
set output outdir.'/throughput.png'
set title "Throughput: median requests/s over rounds (higher is better)\n".subtitle
set ylabel 'thousand requests/s'
kfmt(v) = v >= 100000 ? sprintf('%.0fk', v / 1000) : sprintf('%.1fk', v / 1000)
if (have_redis) {
    plot datafile using ($2/1000):xtic(1) title 'mini-redis' lc rgb mini_colour, \
         ''       using ($3/1000)         title 'redis-server' lc rgb redis_colour, \
         ''       using (mini_x($0)):($2/1000):(kfmt($2)) with labels rotate by 90 left offset 0,0.4 font ',8' notitle, \
         ''       using (redis_x($0)):($3/1000):(kfmt($3)) with labels rotate by 90 left offset 0,0.4 font ',8' notitle
} else {
    plot datafile using ($2/1000):xtic(1) title 'mini-redis' lc rgb mini_colour, \
         ''       using (mini_x($0)):($2/1000):(kfmt($2)) with labels rotate by 90 left offset 0,0.4 font ',8' notitle
}
unset output

# ----------------------------------------------------------------- latency
# Two panels (p50 above, p99 below), the two servers side by side in each.
set terminal pngcairo size 1300,1100 font 'sans,11' noenhanced
set output outdir.'/latency.png'
set ylabel 'milliseconds'
msfmt(v) = sprintf('%.2f', v)
set multiplot layout 2,1
do for [panel = 1:2] {
    name = panel == 1 ? 'p50' : 'p99'
    mini_col = panel == 1 ? 4 : 6
    set title sprintf("Latency %s: median over rounds (lower is better)\n%s", name, subtitle)
    if (have_redis) {
        plot datafile using mini_col:xtic(1) title 'mini-redis '.name lc rgb mini_colour, \
             ''       using mini_col+1       title 'redis-server '.name lc rgb redis_colour, \
             ''       using (mini_x($0)):mini_col:(msfmt(column(mini_col))) with labels rotate by 90 left offset 0,0.4 font ',8' notitle, \
             ''       using (redis_x($0)):mini_col+1:(msfmt(column(mini_col+1))) with labels rotate by 90 left offset 0,0.4 font ',8' notitle
    } else {
        plot datafile using mini_col:xtic(1) title 'mini-redis '.name lc rgb mini_colour, \
             ''       using (mini_x($0)):mini_col:(msfmt(column(mini_col))) with labels rotate by 90 left offset 0,0.4 font ',8' notitle
    }
}
unset multiplot
unset output
