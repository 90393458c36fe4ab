// Keeps secrets a configuration file holds out of what `cicd config` prints: values of secret-named keys
// are masked unless they are `${VAR}` references (which hold no secret themselves), and a password
// written inside any URL is masked.
import {redactUrl} from '../lifecycle/redact.js'

const SECRET_KEY = /password|secret|token|webhookurl|routingkey|authorization|api[-_]?key/i
const REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/

export function maskSecrets<T>(value: T, key = ''): T {
  if (typeof value === 'string') {
    return (SECRET_KEY.test(key) && !REFERENCE.test(value) ? '***' : redactUrl(value)) as T
  }
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, key)) as T
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, maskSecrets(item, name)])) as T
  }
  return value
}
