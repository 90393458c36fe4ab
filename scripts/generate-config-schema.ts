// Regenerates docs/config.schema.json from the configuration schema:
//   npx tsx scripts/generate-config-schema.ts
// A unit test fails while the committed file differs from what this writes.
import {writeFile} from 'node:fs/promises'

import {configJsonSchemaText} from '../src/config/json-schema.js'

const target = new URL('../docs/config.schema.json', import.meta.url)
await writeFile(target, configJsonSchemaText())
console.log(`wrote ${target.pathname}`)
