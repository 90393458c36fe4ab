import {describe, expect, it} from 'vitest'

import {configSchema} from '../../../src/config/schema.js'
import {configSources, leafPaths} from '../../../src/config/provenance.js'
import {renderConfig} from '../../../src/config/render.js'
import {maskSecrets} from '../../../src/config/secrets.js'

const plain = {bold: (text: string) => text, dim: (text: string) => `~${text}`}

describe('configSources', () => {
  it('treats lists as values and sections as containers', () => {
    expect(leafPaths({a: {b: [1, 2], c: {}}, d: 1})).toEqual([['a', 'b'], ['a', 'c'], ['d']])
  })

  it('attributes a value to the file only when the file wrote it', () => {
    const input = {checks: {pylint: {failUnder: 8}}, runner: undefined}
    const sources = configSources(configSchema.parse({checks: {pylint: {failUnder: 8}}}), input, {file: '.cicdrc.yaml', keyPrefix: ''})
    expect(sources['checks.pylint.failUnder']).toBe('.cicdrc.yaml#checks.pylint.failUnder')
    expect(sources['checks.pylint.gate']).toBe('default')
    expect(sources.runner).toBe('default')
  })
})

describe('renderConfig', () => {
  it('prints each key with its value and its source, defaults set apart', () => {
    const config = configSchema.parse({checks: {pylint: {failUnder: 8}}})
    const text = renderConfig(
      {config, file: '/repo/.cicdrc.yaml', sources: configSources(config, {checks: {pylint: {failUnder: 8}}}, {file: '.cicdrc.yaml', keyPrefix: ''})},
      '/repo',
      plain,
    )
    const lines = text.split('\n')
    expect(lines[0]).toBe('Configuration: .cicdrc.yaml (in /repo)')
    expect(lines.find((line) => line.startsWith('checks.pylint.failUnder'))).toMatch(/^checks\.pylint\.failUnder +8 +\.cicdrc\.yaml$/)
    expect(lines.find((line) => line.startsWith('~paths.include'))).toMatch(/\["\*\*\/\*\.py"\] +default$/)
  })

  it('says when no file was found', () => {
    const config = configSchema.parse(undefined)
    const text = renderConfig({config, sources: configSources(config, undefined, undefined)}, '/repo', plain)
    expect(text.split('\n')[0]).toContain('none found in /repo; the defaults apply')
  })
})

describe('maskSecrets', () => {
  it('masks secret-named values and URL passwords, keeps ${VAR} references', () => {
    const masked = maskSecrets({
      routes: [{channel: 'slack', webhookUrl: 'https://hooks.example.invalid/T000/B000/XXXX'}, {channel: 'email', password: '${SMTP_PASSWORD}'}],
      database: {url: 'postgres://app:s3cret@db:5432/app'},
      image: 'cicd-tools:local',
    })
    expect(masked.routes[0]!.webhookUrl).toBe('***')
    expect(masked.routes[1]!.password).toBe('${SMTP_PASSWORD}')
    expect(masked.database.url).toBe('postgres://app:***@db:5432/app')
    expect(masked.image).toBe('cicd-tools:local')
  })
})
