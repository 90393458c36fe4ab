import {describe, expect, it} from 'vitest'

import {parseExposition, parseSelector, PrometheusSyntaxError, selects, sumSelected, type Sample} from '../../../src/verify/prometheus-text.js'

const sample = (name: string, labels: Record<string, string> = {}, value = 1): Sample => ({name, labels, value})

describe('parseExposition', () => {
  it('reads samples, skips comments and blank lines, and records the families HELP and TYPE announce', () => {
    const {samples, families} = parseExposition(
      [
        '# A free comment',
        '# HELP http_requests_total Requests answered, by code.',
        '# TYPE http_requests_total counter',
        'http_requests_total{code="200",path="/health"} 1027',
        '',
        'http_requests_total{code="500",path="/fail"} 3 1395066363000',
        '# TYPE queue_depth gauge',
        'process_start_time_seconds 1.7e9',
        '# HELP never_seen_total A family without samples yet.',
      ].join('\n'),
    )
    expect(samples).toEqual([
      {name: 'http_requests_total', labels: {code: '200', path: '/health'}, value: 1027},
      {name: 'http_requests_total', labels: {code: '500', path: '/fail'}, value: 3, timestamp: 1_395_066_363_000},
      {name: 'process_start_time_seconds', labels: {}, value: 1.7e9},
    ])
    expect([...families.entries()]).toEqual([
      ['http_requests_total', {type: 'counter'}],
      ['queue_depth', {type: 'gauge'}],
      ['never_seen_total', {}],
    ])
  })

  it('unescapes label values: backslash, double quote and newline', () => {
    const {samples} = parseExposition('msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9\n')
    expect(samples[0].labels).toEqual({path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"'})
    expect(samples[0].value).toBe(1.458255915e9)
  })

  it('keeps labels named like Object members as plain labels', () => {
    const {samples} = parseExposition('x{constructor="a",__proto__="b"} 1\n')
    expect(Object.keys(samples[0].labels)).toEqual(['constructor', '__proto__'])
    expect(selects(parseSelector('x{__proto__="b", constructor="a", toString=""}'), samples[0])).toBe(true)
    expect(() => parseExposition('x{constructor="a",constructor="b"} 1')).toThrow(/the label "constructor" appears twice/)
  })

  it('reads a closing brace, comma or # inside a quoted value as part of the value', () => {
    const {samples} = parseExposition('x{a="}, {b=\\"#",c="ok"} 2\n')
    expect(samples[0].labels).toEqual({a: '}, {b="#', c: 'ok'})
  })

  it('reads NaN, +Inf and -Inf values, and +Inf as a label value of histogram buckets', () => {
    const {samples} = parseExposition(
      ['latency_seconds_bucket{le="0.5"} 129389', 'latency_seconds_bucket{le="+Inf"} 144320', 'ratio NaN', 'upper +Inf', 'lower -Inf', 'big Inf'].join('\n'),
    )
    expect(samples.map((s) => s.value)).toEqual([129389, 144320, Number.NaN, Infinity, -Infinity, Infinity])
    expect(samples[1].labels).toEqual({le: '+Inf'})
  })

  it('takes spaces and tabs around labels, a trailing comma, empty braces, CRLF line ends and negative timestamps', () => {
    const {samples} = parseExposition('a { x = "1" , y="2", } \t 5\t-42\r\nb{} -0.5e-3\r\n')
    expect(samples).toEqual([
      {name: 'a', labels: {x: '1', y: '2'}, value: 5, timestamp: -42},
      {name: 'b', labels: {}, value: -0.0005},
    ])
  })

  it.each([
    ['a{code="200} 1', /line 1: the value opened with " is never closed/],
    ['a{code="200"', /line 1: expected "," or "}"/],
    ['a{code=200} 1', /line 1: expected a value in " quotes/],
    ["a{code='200'} 1", /line 1: expected a value in " quotes/],
    ['a{1code="x"} 1', /line 1: expected a label name/],
    ['a{code~"5.."} 1', /line 1: expected = after the label "code"/],
    ['a{x="1",x="2"} 1', /line 1: the label "x" appears twice/],
    ['a', /line 1: the sample has no value/],
    ['a{x="1"}', /line 1: the sample has no value/],
    ['a twelve', /line 1: "twelve" is not a number/],
    ['a 0x1A', /line 1: "0x1A" is not a number/],
    ['a 1 12.5', /line 1: "12.5" is not a timestamp/],
    ['a 1 2 3', /line 1: unexpected text after the value and timestamp/],
    ['{x="1"} 1', /line 1: expected a metric name/],
    ['# TYPE 9lives counter', /line 1: "9lives" is not a metric name/],
  ])('rejects %j naming the line and the problem', (text, message) => {
    expect(() => parseExposition(text)).toThrow(PrometheusSyntaxError)
    expect(() => parseExposition(text)).toThrow(message)
  })

  it('counts lines from 1, blank and comment lines included', () => {
    expect(() => parseExposition('# HELP a b\n\nok 1\nbroken{ 2\n')).toThrow(/^line 4: .*: broken\{ 2$/)
  })
})

describe('parseSelector', () => {
  it('reads a bare name, and a name with the four PromQL operators', () => {
    expect(parseSelector('http_requests_total')).toEqual({name: 'http_requests_total', matchers: []})
    const selector = parseSelector('http_requests_total{code=~"5..", method="GET", x!="y", z!~"a|b"}')
    expect(selector.name).toBe('http_requests_total')
    expect(selector.matchers.map(({label, op, value}) => [label, op, value])).toEqual([
      ['code', '=~', '5..'],
      ['method', '=', 'GET'],
      ['x', '!=', 'y'],
      ['z', '!~', 'a|b'],
    ])
  })

  it("takes PromQL's single quotes (with escapes) and raw backquotes, and spaces anywhere between tokens", () => {
    const selector = parseSelector("  errors_total { path = 'it\\'s' , re =~ `\\d+` }  ")
    expect(selector.matchers.map(({label, value}) => [label, value])).toEqual([
      ['path', "it's"],
      ['re', '\\d+'],
    ])
  })

  it('accepts a selector without a name when a matcher narrows it', () => {
    expect(parseSelector('{__name__=~"http_.*_total"}').name).toBeUndefined()
  })

  it.each([
    ['', /a selector needs a metric name/],
    ['{code=~".*"}', /a selector needs a metric name or a matcher that does not match the empty string/],
    ['http_requests_total{code=~"5(.."}', /"5\(\.\." is not a valid regular expression/],
    ['http_requests_total{code="500"', /expected "," or "}"/],
    ['http_requests_total{code=500}', /expected a value in " or ' or ` quotes/],
    ['http_requests_total{code=="500"}', /expected a value/],
    ['http_requests_total[5m]', /unexpected "\[5m\]"/],
    ['rate(http_requests_total[5m])', /unexpected "\(http_requests_total\[5m\]\)"/],
  ])('rejects %j saying what is wrong', (text, message) => {
    expect(() => parseSelector(text)).toThrow(PrometheusSyntaxError)
    expect(() => parseSelector(text)).toThrow(message)
  })
})

describe('selects', () => {
  it('matches the metric name exactly', () => {
    const selector = parseSelector('http_requests_total')
    expect(selects(selector, sample('http_requests_total', {code: '200'}))).toBe(true)
    expect(selects(selector, sample('http_requests_total_created'))).toBe(false)
    expect(selects(selector, sample('http_requests'))).toBe(false)
  })

  it('anchors regular expressions at both ends, as Prometheus does', () => {
    const selector = parseSelector('r{code=~"5.."}')
    expect(['500', '503', '599'].map((code) => selects(selector, sample('r', {code})))).toEqual([true, true, true])
    expect(['5000', '1500', '50', '200'].map((code) => selects(selector, sample('r', {code})))).toEqual([false, false, false, false])
    const alternatives = parseSelector('r{code!~"4..|5.."}')
    expect(['200', '404', '503', '4040'].map((code) => selects(alternatives, sample('r', {code})))).toEqual([true, false, false, true])
  })

  it('reads an absent label as the empty string', () => {
    expect(selects(parseSelector('r{x!="y"}'), sample('r'))).toBe(true)
    expect(selects(parseSelector('r{x=""}'), sample('r'))).toBe(true)
    expect(selects(parseSelector('r{x=""}'), sample('r', {x: 'set'}))).toBe(false)
    expect(selects(parseSelector('r{x=~".+"}'), sample('r'))).toBe(false)
    expect(selects(parseSelector('r{x="y"}'), sample('r'))).toBe(false)
  })

  it('requires every matcher to hold', () => {
    const selector = parseSelector('r{code=~"5..", method="GET"}')
    expect(selects(selector, sample('r', {code: '500', method: 'GET'}))).toBe(true)
    expect(selects(selector, sample('r', {code: '500', method: 'POST'}))).toBe(false)
    expect(selects(selector, sample('r', {code: '200', method: 'GET'}))).toBe(false)
  })

  it('matches __name__ against the metric name', () => {
    const selector = parseSelector('{__name__=~"http_.*_total", code="500"}')
    expect(selects(selector, sample('http_requests_total', {code: '500'}))).toBe(true)
    expect(selects(selector, sample('grpc_requests_total', {code: '500'}))).toBe(false)
  })
})

describe('sumSelected', () => {
  const {samples} = parseExposition(
    [
      'http_requests_total{method="GET",path="/health",code="200"} 30',
      'http_requests_total{method="GET",path="/fail",code="500"} 4',
      'http_requests_total{method="POST",path="/orders",code="503"} 1',
      'http_requests_total{method="GET",path="/metrics",code="200"} 12',
      'http_request_duration_seconds_count{code="500"} 99',
    ].join('\n'),
  )

  it('adds the selected samples up and counts them', () => {
    expect(sumSelected(samples, parseSelector('http_requests_total'))).toEqual({sum: 47, count: 4})
    expect(sumSelected(samples, parseSelector('http_requests_total{code=~"5.."}'))).toEqual({sum: 5, count: 2})
    expect(sumSelected(samples, parseSelector('http_requests_total{code=~"5..",method="GET"}'))).toEqual({sum: 4, count: 1})
    expect(sumSelected(samples, parseSelector('http_requests_total{path!="/metrics"}'))).toEqual({sum: 35, count: 3})
  })

  it('gives zero of zero when nothing is selected', () => {
    expect(sumSelected(samples, parseSelector('http_requests_total{code="418"}'))).toEqual({sum: 0, count: 0})
  })
})
