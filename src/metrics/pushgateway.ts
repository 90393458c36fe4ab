// Pushes the metrics to a Prometheus Pushgateway (prom-client's client), grouped by job `cicd_metrics` and
// the environment, replacing that group's previous push. A refusal or an unreachable gateway becomes a
// PrerequisiteError that names the gateway (without credentials) and the alternative.
import type {Registry} from 'prom-client'

import {PrerequisiteError} from '../errors.js'
import {redactUrl} from '../lifecycle/redact.js'

export const PUSH_JOB = 'cicd_metrics'

export async function pushMetrics(url: string, registry: Registry, environment: string): Promise<void> {
  const {Pushgateway} = await import('prom-client')
  const gateway = new Pushgateway(url, {timeout: 5000}, registry)
  try {
    await gateway.push({jobName: PUSH_JOB, groupings: {environment}})
  } catch (error) {
    throw new PrerequisiteError(`The Pushgateway at ${redactUrl(url)} did not take the metrics: ${(error as Error).message}`, [
      'Check the URL and that the Pushgateway is running (curl URL/-/ready)',
      'Or write a textfile for node_exporter instead: cicd metrics --prometheus FILE',
    ])
  }
}
