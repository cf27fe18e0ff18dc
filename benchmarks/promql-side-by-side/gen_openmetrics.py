# The issue-6 benchmark data (same as EngineThroughputProbe) as OpenMetrics for promtool.
# usage: python3 gen_openmetrics.py data.om
import sys
out = open(sys.argv[1], 'w')
w = out.write
HOUR = 3600
for s in range(10000):
    lab = 'x{job="job%d",instance="i%d",s="%d"} ' % (s % 10, s % 1000, s)
    m = 1 + s % 7
    for k, t in enumerate(range(0, HOUR + 300 + 1, 15)):
        w('%s%d %d\n' % (lab, k * m, t))
for b in range(100):
    for le in ["0.1", "0.5", "1", "5", "+Inf"]:
        lab = 'b_bucket{le="%s",pod="p%d"} ' % (le, b)
        m = 1 + len(le)
        for k, t in enumerate(range(0, HOUR + 300 + 1, 15)):
            w('%s%d %d\n' % (lab, k * m, t))
w('# EOF\n')
out.close()
