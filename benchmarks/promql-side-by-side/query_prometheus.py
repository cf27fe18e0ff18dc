# Times the issue-6 benchmark queries on a running Prometheus, engine time from its stats.
# usage: python3 query_prometheus.py http://127.0.0.1:19090
import json, time, urllib.request, urllib.parse
import sys
B = sys.argv[1].rstrip('/') + '/api/v1/'
qs = [
  ('sum by (job) (rate(x[5m]))', 'query_range', dict(start=300, end=3900, step=15)),
  ('histogram_quantile(0.99, sum by (le) (rate(b_bucket[5m])))', 'query_range', dict(start=300, end=3900, step=15)),
  ('topk(10, rate(x[5m]))', 'query_range', dict(start=300, end=3900, step=15)),
  ('count by (instance) (x)', 'query', dict(time=3900)),
]
for q, ep, p in qs:
    args = dict(p); args['query'] = q; args['stats'] = 'all'
    url = B + ep + '?' + urllib.parse.urlencode(args)
    evals, walls = [], []
    for i in range(18):
        t0 = time.perf_counter()
        body = urllib.request.urlopen(url).read()
        wall = time.perf_counter() - t0
        st = json.loads(body)['data']['stats']['timings']
        if i >= 3:
            evals.append(st['evalTotalTime'] * 1000); walls.append(wall * 1000)
    evals.sort(); walls.sort()
    n = len(evals)
    print('%-62s eval p50 %8.1f ms max %8.1f ms | http wall p50 %8.1f ms' % (q, evals[n // 2], evals[-1], walls[n // 2]))
