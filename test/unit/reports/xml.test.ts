import {XMLParser, XMLValidator} from 'fast-xml-parser'
import {describe, expect, it} from 'vitest'

import {renderXml} from '../../../src/reports/xml.js'

const parse = (xml: string) => new XMLParser({ignoreAttributes: false, attributeNamePrefix: '@_', htmlEntities: true, trimValues: false}).parse(xml)

describe('the XML writer', () => {
  it('writes a declaration, nested elements two spaces deep, text inline and empty elements closed', () => {
    const xml = renderXml({
      name: 'testsuites',
      attributes: {name: 'cicd check', tests: 2, absent: undefined},
      children: [{name: 'testsuite', children: [{name: 'properties'}, {name: 'testcase', attributes: {name: 'a'}, children: [{name: 'failure', attributes: {message: 'm'}, text: 'body'}]}]}],
    })
    expect(xml).toBe([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<testsuites name="cicd check" tests="2">',
      '  <testsuite>',
      '    <properties/>',
      '    <testcase name="a">',
      '      <failure message="m">body</failure>',
      '    </testcase>',
      '  </testsuite>',
      '</testsuites>',
      '',
    ].join('\n'))
  })

  it('escapes markup, keeps line breaks in attributes, and reads back exactly what it was given', () => {
    const hostile = 'a < b && c > "d" \'e\' ]]> <!-- x -->\n\tnext\r\nline ünï 😀'
    const xml = renderXml({name: 'r', attributes: {message: hostile}, children: [{name: 't', text: hostile}]})
    expect(XMLValidator.validate(xml)).toBe(true)
    const read = parse(xml).r
    expect(read['@_message']).toBe(hostile)
    // A parser normalises a literal CR LF in text to LF; escaped, the CR survives.
    expect(read.t).toBe(hostile)
  })

  it('drops what XML 1.0 cannot carry: control characters, U+FFFE/U+FFFF and lone surrogates', () => {
    const text = 'ok\u0000\u0007\u001B\uFFFE\uFFFF\uD800 \uDC00 end \uD83D\uDE00'
    const xml = renderXml({name: 'r', attributes: {a: text}, text})
    expect(XMLValidator.validate(xml)).toBe(true)
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/)
    expect(parse(xml).r['#text']).toBe('ok  end \uD83D\uDE00')
    expect(parse(xml).r['@_a']).toBe('ok  end \uD83D\uDE00')
  })
})
