# Plot a gradsweep results folder with gnuplot (5.4 or later).
#
# Usage:
#   gnuplot -e "results='results/vanishing-gradients'" scripts/plot.gp
#   gnuplot -e "results='results/vanishing-gradients'; runs='*sigmoid*'; out='/tmp/plots'" scripts/plot.gp
#
#   results  the folder `gradsweep run` wrote (required)
#   runs     a shell pattern over run ids, to keep the plots readable (default: every run)
#   out      where the PNGs go (default: <results>/plots; named *-gnuplot.png so scripts/plot.py's
#            loss_accuracy.png and gradients_by_layer.png beside them are kept)
#
# Writes, one line per run (gnuplot does not average over seeds; scripts/plot.py and report.html do):
#   loss_accuracy-gnuplot.png       chart 1: training loss (log scale) and validation accuracy over steps
#   gradients_by_layer-gnuplot.png  chart 2: grad_b_norm of each hidden layer (log scale) at step 0 and at the
#                                   run's last logged step
#
# How the CSVs are read: comma-separated with a header row, so columns are taken by name
# (`column("loss")`); `nan` and `inf` are non-numbers to gnuplot and are skipped, and an empty
# field (e.g. val_accuracy on a step without validation) is a missing value, so a run that
# diverged just ends early. The column meanings are in docs/csv-columns.md.

if (!exists("results")) {
    print "usage: gnuplot -e \"results='results/NAME'\" scripts/plot.gp"
    exit status 2
}
if (!exists("runs")) runs = "*"
if (!exists("out")) out = results . "/plots"
system("mkdir -p '" . out . "'")

# Run folders that have a metrics.csv, in the sweep's order (run ids start with the run index).
folders = system("cd '" . results . "/runs' 2>/dev/null && for d in " . runs . "; do [ -f \"$d/metrics.csv\" ] && echo \"$d\"; done")
if (words(folders) == 0) {
    print "plot.gp: no run with a metrics.csv under " . results . "/runs matching '" . runs . "'"
    exit status 1
}
print sprintf("plot.gp: %d runs", words(folders))

set datafile separator comma
set datafile columnheaders
set datafile missing ""
set terminal pngcairo size 1400,900 font "sans,10"
set grid lc rgb "#E0E0E0"
# Okabe & Ito colour-blind-safe colours, cycled over runs.
array colours[7] = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]
colour(i) = colours[(i - 1) % 7 + 1]
# Legends only while they stay readable.
if (words(folders) <= 16) { set key outside right font ",8" noenhanced } else { unset key }

# Chart 1: loss and validation accuracy over steps.
set output out . "/loss_accuracy-gnuplot.png"
set multiplot layout 2,1 title "Training loss and validation accuracy (" . results . ")" noenhanced
set logscale y
set ylabel "training loss"
set format y "10^{%L}"
plot for [i=1:words(folders)] results . "/runs/" . word(folders, i) . "/metrics.csv" \
    using (column("step")):(column("loss") > 0 ? column("loss") : NaN) \
    with lines lw 1.5 lc rgb colour(i) title word(folders, i)
unset logscale y
set format y "%g"
set yrange [0:1]
set ylabel "validation accuracy"
set xlabel "step"
plot for [i=1:words(folders)] results . "/runs/" . word(folders, i) . "/metrics.csv" \
    using (column("step")):(column("val_accuracy")) \
    with linespoints pt 7 ps 0.4 lw 1.5 lc rgb colour(i) title word(folders, i)
unset multiplot
set autoscale y
unset xlabel

# Chart 2: gradient norm by layer at initialisation and at the end.
# Per run, `stats` finds the last logged step and the output layer (L + 1): hidden layers are 1..L.
array laststep[words(folders)]
array hidden[words(folders)]
do for [i=1:words(folders)] {
    file = results . "/runs/" . word(folders, i) . "/layers.csv"
    stats file using (column("step")) nooutput
    laststep[i] = STATS_max
    stats file using (column("layer")) nooutput
    hidden[i] = STATS_max - 1
}
set output out . "/gradients_by_layer-gnuplot.png"
set multiplot layout 1,2 title "Gradient norm ||dL/db|| by hidden layer (" . results . ")" noenhanced
set logscale y
set format y "10^{%L}"
set xlabel "layer (1 = nearest the input)"
set ylabel "||dL/db||"
set xtics 1
set title "at initialisation (step 0)"
plot for [i=1:words(folders)] results . "/runs/" . word(folders, i) . "/layers.csv" \
    using (column("layer")):(column("step") == 0 && column("layer") <= hidden[i] && column("grad_b_norm") > 0 ? column("grad_b_norm") : NaN) \
    with linespoints pt 7 ps 0.6 lw 1.5 lc rgb colour(i) title word(folders, i)
set title "at the end (last logged step)"
plot for [i=1:words(folders)] results . "/runs/" . word(folders, i) . "/layers.csv" \
    using (column("layer")):(column("step") == laststep[i] && column("layer") <= hidden[i] && column("grad_b_norm") > 0 ? column("grad_b_norm") : NaN) \
    with linespoints pt 7 ps 0.6 lw 1.5 lc rgb colour(i) title word(folders, i)
unset multiplot
print "wrote " . out . "/loss_accuracy-gnuplot.png"
print "wrote " . out . "/gradients_by_layer-gnuplot.png"
