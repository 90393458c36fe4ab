// A release's rendered configuration: everything needed to re-create its containers later, so a rollback
// restores the configuration of the release it returns to, not only its images. Environment values are kept
// as written (`${VAR}` references unresolved), so secrets never reach the record.
import type {EnvironmentConfig} from '../config/environments-schema.js'

export interface ServiceSpec {
  imageRef: string
  imageId: string
  command?: string[]
  env: Record<string, string>
  port: number
  greenPortOffset: number
  healthCheck: {path: string; expectedStatus: number; successes: number; intervalMs: number; timeoutMs: number; readyTimeoutMs: number}
  stopTimeoutSeconds: number
  drainMs: number
}

export interface ReleaseSpec {
  strategy: 'rolling' | 'blue-green'
  instances: number
  services: Record<string, ServiceSpec>
}

export interface Instance {
  service: string
  index: number
  /** Which engine of the environment runs it (index into `engines`). */
  engine: number
  port: number
}

/** The image reference a version deploys: the version is the tag. */
export function imageReference(repository: string, version: string): string {
  return `${repository}:${version}`
}

export function renderSpec(env: EnvironmentConfig, imageIds: Record<string, string>, version: string): ReleaseSpec {
  return {
    strategy: env.strategy,
    instances: env.instances,
    services: Object.fromEntries(
      Object.entries(env.services).map(([name, service]) => [
        name,
        {
          imageRef: imageReference(service.image, version),
          imageId: imageIds[name],
          ...(service.command ? {command: service.command} : {}),
          env: service.env,
          port: service.port,
          greenPortOffset: service.greenPortOffset,
          healthCheck: service.healthCheck,
          stopTimeoutSeconds: service.stopTimeoutSeconds,
          drainMs: service.drainMs,
        },
      ]),
    ),
  }
}

/**
 * Where a release's instances run. Releases alternate between two port slots (slot 0: port + i, slot 1:
 * port + greenPortOffset + i), so a new release always starts beside the live one: the green of blue-green,
 * and the surge instance of a rolling update.
 */
export function instancesOf(spec: ReleaseSpec, slot: number, engineCount: number): Instance[] {
  const out: Instance[] = []
  for (const [service, s] of Object.entries(spec.services)) {
    for (let index = 0; index < spec.instances; index++) {
      out.push({service, index, engine: index % engineCount, port: s.port + slot * s.greenPortOffset + index})
    }
  }
  return out
}

export function containerName(namespace: string, environment: string, releaseId: number, instance: Instance): string {
  return `cicd-${namespace}-${environment}-${instance.service}-r${releaseId}-${instance.index}`
}

export function containerLabels(namespace: string, environment: string, releaseId: number, instance: Instance, slot: number): Record<string, string> {
  return {
    'cicd.namespace': namespace,
    'cicd.environment': environment,
    'cicd.release': String(releaseId),
    'cicd.service': instance.service,
    'cicd.instance': String(instance.index),
    'cicd.slot': String(slot),
    'cicd.port': String(instance.port),
  }
}
