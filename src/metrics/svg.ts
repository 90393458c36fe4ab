// Small inline SVG charts for the HTML dashboard (no script, no network): stacked bars per day, and lines
// with gaps where a day has no value. Each chart has a title, axis labels and a legend.

export interface ChartSeries {
  name: string
  color: string
  values: (number | null)[]
}

const W = 640
const H = 200
const PAD = {left: 44, right: 12, top: 12, bottom: 28}

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;')
}

function frame(labels: string[], yMax: number, yUnit: string, body: string, series: ChartSeries[], id: string): string {
  const plotH = H - PAD.top - PAD.bottom
  const ticks = [0, 0.5, 1].map((f) => {
    const y = PAD.top + plotH * (1 - f)
    const value = yMax * f
    return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" class="grid"/><text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${escapeHtml(`${Number.isInteger(value) ? value : value.toFixed(1)}${yUnit}`)}</text>`
  })
  const step = Math.max(1, Math.ceil(labels.length / 6))
  const slot = (W - PAD.left - PAD.right) / Math.max(1, labels.length)
  const xLabels = labels
    .map((label, i) => (i % step === 0 ? `<text x="${PAD.left + slot * (i + 0.5)}" y="${H - 8}" text-anchor="middle">${escapeHtml(label)}</text>` : ''))
    .join('')
  const legend = series.map((s) => `<span class="key"><i style="background:${s.color}"></i>${escapeHtml(s.name)}</span>`).join('')
  return `<svg id="${id}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(series.map((s) => s.name).join(', '))}">${ticks.join('')}${body}${xLabels}</svg><div class="legend">${legend}</div>`
}

const niceMax = (values: number[], floor: number) => {
  const max = Math.max(floor, ...values)
  const magnitude = 10 ** Math.floor(Math.log10(max))
  return Math.ceil(max / magnitude) * magnitude
}

export function stackedBars(id: string, labels: string[], series: ChartSeries[], yUnit = ''): string {
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0))
  const yMax = niceMax(totals, 1)
  const plotH = H - PAD.top - PAD.bottom
  const slot = (W - PAD.left - PAD.right) / Math.max(1, labels.length)
  const bars = labels
    .map((label, i) => {
      let base = 0
      return series
        .map((s) => {
          const value = s.values[i] ?? 0
          if (value <= 0) return ''
          const h = (plotH * value) / yMax
          const y = PAD.top + plotH - ((plotH * base) / yMax) - h
          base += value
          return `<rect x="${PAD.left + slot * i + slot * 0.15}" y="${y}" width="${slot * 0.7}" height="${h}" fill="${s.color}"><title>${escapeHtml(`${label}: ${value} ${s.name}`)}</title></rect>`
        })
        .join('')
    })
    .join('')
  return frame(labels, yMax, yUnit, bars, series, id)
}

export function lines(id: string, labels: string[], series: ChartSeries[], yUnit = '', fixedMax?: number): string {
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null))
  const yMax = fixedMax ?? niceMax(all, 1)
  const plotH = H - PAD.top - PAD.bottom
  const slot = (W - PAD.left - PAD.right) / Math.max(1, labels.length)
  const body = series
    .map((s) => {
      const points = s.values.map((v, i) => (v === null ? null : {x: PAD.left + slot * (i + 0.5), y: PAD.top + plotH * (1 - Math.min(v, yMax) / yMax), v, label: labels[i]}))
      let path = ''
      let pen = false
      for (const p of points) {
        if (p === null) pen = false
        else {
          path += `${pen ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`
          pen = true
        }
      }
      const dots = points
        .filter((p): p is NonNullable<typeof p> => p !== null)
        .map((p) => `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="3" fill="${s.color}"><title>${escapeHtml(`${p.label}: ${Number.isInteger(p.v) ? p.v : p.v.toFixed(2)}${yUnit}`)}</title></circle>`)
        .join('')
      return `<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>${dots}`
    })
    .join('')
  return frame(labels, yMax, yUnit, body, series, id)
}
