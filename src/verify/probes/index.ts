// Every check kind's probe, by kind: adding a kind is a schema entry and a probe here.
import type {ProbeTable} from '../types.js'
import {commandProbe} from './command.js'
import {dockerProbe} from './docker.js'
import {errorRateProbe} from './error-rate.js'
import {httpProbe} from './http.js'
import {postgresProbe} from './postgres.js'
import {pytestProbe} from './pytest.js'
import {redisProbe} from './redis.js'
import {tcpProbe} from './tcp.js'

export const PROBES: ProbeTable = {
  http: httpProbe,
  postgres: postgresProbe,
  redis: redisProbe,
  tcp: tcpProbe,
  command: commandProbe,
  docker: dockerProbe,
  'error-rate': errorRateProbe,
  pytest: pytestProbe,
}
