import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer, Wait } from 'testcontainers';

export type InfluxDb2 = { url: string; org: string; bucket: string; token: string; stop(): Promise<void> };
export type ContainerOutcome = { ok: true; influx: InfluxDb2 } | { ok: false; reason: string };

/**
 * InfluxDB 2.x in a container when a container runtime answers within `probeMs`. testcontainers
 * throws at once without a runtime but hangs when DOCKER_HOST points at a dead endpoint, hence the race.
 */
export async function tryStartInfluxDb2(probeMs = 3000): Promise<ContainerOutcome> {
  const probe = getContainerRuntimeClient().then(
    () => undefined,
    (err: Error) => `no container runtime: ${err.message.split('\n')[0]}`,
  );
  const timeout = new Promise<string>((resolve) =>
    setTimeout(() => resolve(`no container runtime answered within ${probeMs} ms`), probeMs).unref(),
  );
  const unavailable = await Promise.race([probe, timeout]);
  if (unavailable) return { ok: false, reason: unavailable };
  const org = 'depok';
  const bucket = 'environment';
  const token = 'test-token-not-secret';
  const container: StartedTestContainer = await new GenericContainer('influxdb:2.7')
    .withEnvironment({
      DOCKER_INFLUXDB_INIT_MODE: 'setup',
      DOCKER_INFLUXDB_INIT_USERNAME: 'admin',
      DOCKER_INFLUXDB_INIT_PASSWORD: 'admin-password',
      DOCKER_INFLUXDB_INIT_ORG: org,
      DOCKER_INFLUXDB_INIT_BUCKET: bucket,
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: token,
    })
    .withExposedPorts(8086)
    .withWaitStrategy(Wait.forHttp('/health', 8086))
    .start();
  const url = `http://${container.getHost()}:${container.getMappedPort(8086)}`;
  return { ok: true, influx: { url, org, bucket, token, stop: async () => void (await container.stop()) } };
}
