import { appPath } from '../api-client.js';
import { UsageError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';
import { isMetricsRange, METRICS_RANGES, type MetricsSeries } from '../../core/metrics-series.js';
import { metricsSummary } from '../metrics-summary.js';

export const metrics: Command = {
  name: 'metrics',
  summary: "sum up an app's metrics: throughput, response time percentiles, error codes, memory per dyno",
  usage: 'metrics [-a APP] [--range 1h|24h] [--json]',
  flags: {
    range: { type: 'string', value: 'RANGE', description: 'the last hour (1h, default) or day (24h), minute by minute' },
    json: jsonFlag,
  },
  needsApp: true,
  examples: ['berth metrics', 'berth metrics --range 24h -a my-app', 'berth metrics --json'],
  async run(ctx) {
    const range = ctx.string('range') ?? '1h';
    if (!isMetricsRange(range)) throw new UsageError(`--range ${JSON.stringify(range)} is not a range: use ${Object.keys(METRICS_RANGES).join(' or ')}.`);
    const series = await ctx.api.get<MetricsSeries>(appPath(ctx.app(), `/metrics?range=${range}`));
    if (ctx.bool('json')) return void ctx.printJson(series);
    for (const line of metricsSummary(series)) ctx.print(line);
  },
};
