// How a metric's value, target and trend read, the same in the terminal, the HTML page and --json users'
// eyes: "93%", "54min", "12/mo", "2days", "8.2"; and how full its bar is.
import type {MetricValue} from './compute.js'

export function formatValue(metric: Pick<MetricValue, 'unit' | 'id'>, value: number | null): string {
  if (value === null) return '—'
  switch (metric.unit) {
    case '%':
      return `${value >= 99 && value < 100 ? value.toFixed(1) : value.toFixed(Number.isInteger(value) ? 0 : 1)}%`
    case 'min':
      return value >= 120 ? `${(value / 60).toFixed(1)}h` : `${Math.round(value)}min`
    case '/mo':
      return `${Number.isInteger(value) ? value : value.toFixed(1)}/mo`
    case 'h': {
      const tenths = (x: number) => String(Math.round(x * 10) / 10)
      if (value < 24) return `${tenths(value)}h`
      const days = tenths(value / 24)
      return `${days}day${days === '1' ? '' : 's'}`
    }
    case '':
      return value.toFixed(1)
  }
}

export function formatTarget(metric: MetricValue): string {
  return `${metric.comparator.replace('>=', '≥').replace('<=', '≤')} ${formatValue(metric, metric.target)}`
}

export function trendArrow(metric: MetricValue): string {
  return metric.trend === 'up' ? '↑' : metric.trend === 'down' ? '↓' : metric.trend === 'flat' ? '→' : ' '
}

/** 0..1: percentages and scores on their own scale; times and counts relative to twice / once the target. */
export function barFraction(metric: MetricValue): number {
  if (metric.value === null) return 0
  const scale = metric.unit === '%' ? 100 : metric.unit === '' ? 10 : metric.comparator.startsWith('<') ? 2 * metric.target : metric.target
  return scale <= 0 ? 0 : Math.max(0, Math.min(1, metric.value / scale))
}
