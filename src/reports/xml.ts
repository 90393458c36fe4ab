// The XML the JUnit report needs: elements with attributes, text or children, pretty-printed, escaped for XML
// 1.0. (A general XML library cost about 90 ms to load on every run, as every run writes its JUnit report.)

export interface XmlElement {
  name: string
  attributes?: Record<string, string | number | boolean | undefined>
  /** Text content; an element has text or children, not both. */
  text?: string
  children?: XmlElement[]
}

/**
 * What XML 1.0 cannot carry at all, even escaped: control characters other than tab and line breaks,
 * U+FFFE and U+FFFF, and surrogates that are not part of a pair.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

const TEXT_ESCAPES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;'}
// In attributes, line breaks and tabs are escaped too: a parser turns them into spaces otherwise.
const ATTRIBUTE_ESCAPES: Record<string, string> = {...TEXT_ESCAPES, '"': '&quot;', '\n': '&#10;', '\r': '&#13;', '\t': '&#9;'}

function escapeText(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>]|\r/g, (char) => TEXT_ESCAPES[char] ?? '&#13;')
}

function escapeAttribute(value: string): string {
  return value.replace(NOT_XML, '').replace(/[&<>"\n\r\t]/g, (char) => ATTRIBUTE_ESCAPES[char])
}

function startTag(element: XmlElement): string {
  const attributes = Object.entries(element.attributes ?? {})
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
  return `<${element.name}${attributes.join('')}`
}

function renderElement(element: XmlElement, indent: string, lines: string[]): void {
  const children = element.children ?? []
  if (children.length > 0) {
    lines.push(`${indent}${startTag(element)}>`)
    for (const child of children) renderElement(child, `${indent}  `, lines)
    lines.push(`${indent}</${element.name}>`)
  } else if (element.text) {
    lines.push(`${indent}${startTag(element)}>${escapeText(element.text)}</${element.name}>`)
  } else {
    lines.push(`${indent}${startTag(element)}/>`)
  }
}

/** The document: the XML declaration, then the root element, two spaces per level. */
export function renderXml(root: XmlElement): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>']
  renderElement(root, '', lines)
  return `${lines.join('\n')}\n`
}
