import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { parse, parseAllDocuments } from 'yaml';
import { EnvironmentVariables } from '@app/common';

const DEPLOY = join(__dirname, '..', '..', 'deploy');
const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(DEPLOY, file), 'utf8');

/** Every variable the server reads (the validated EnvironmentVariables), so a manifest cannot set one that does nothing. */
const KNOWN_VARIABLES = new Set([
  ...getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false).map((m) => m.propertyName),
  'BUILD_COMMIT', // not a setting: a label the image build records (libs/common/src/build-info.ts)
]);

const KINDS: Record<string, { validate(): void } & (new (data: object) => { validate(): void })> = {
  Deployment: Deployment as never,
  Service: Service as never,
  PodDisruptionBudget: PodDisruptionBudget as never,
  Secret: Secret as never,
};

describe('deploy/kubernetes', () => {
  const kustomization = parse(read('kubernetes/kustomization.yaml')) as { resources: string[] };
  const docs = kustomization.resources.flatMap((file) => parseAllDocuments(read(`kubernetes/${file}`)).map((d) => d.toJSON() as { kind: string; metadata: { name: string } }));

  it('validates every manifest the kustomization lists against the Kubernetes schemas', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Secret', 'Service']);
    for (const doc of docs) {
      const Model = KINDS[doc.kind];
      expect(() => new Model(doc).validate()).not.toThrow();
    }
  });

  it('refuses a broken manifest (the validation is not a no-op)', () => {
    const deployment = docs.find((d) => d.kind === 'Deployment') as unknown as { spec: { replicas: unknown } };
    expect(() => new Deployment({ ...deployment, spec: { ...deployment.spec, replicas: 'two' } } as never).validate()).toThrow(/replicas/);
  });

  it('probes /health/ready for readiness and /health/live for liveness, runs as non-root on a read-only root filesystem', () => {
    const deployment = new Deployment(docs.find((d) => d.kind === 'Deployment') as never);
    const pod = deployment.spec!.template.spec!;
    const [server] = pod.containers;
    expect(server.readinessProbe?.httpGet?.path).toBe('/health/ready');
    expect(server.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(server.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(server.volumeMounts?.map((m) => m.mountPath)).toEqual(expect.arrayContaining(['/data', '/tmp']));
  });

  it('sets only variables the server reads', () => {
    const deployment = new Deployment(docs.find((d) => d.kind === 'Deployment') as never);
    const names = deployment.spec!.template.spec!.containers.flatMap((c) => (c.env ?? []).map((e) => e.name));
    expect(names.filter((n) => !KNOWN_VARIABLES.has(n))).toEqual([]);
  });
});

describe('deploy/compose.yaml and the Dockerfile', () => {
  it('compose runs two server instances behind the proxy, on PostgreSQL and Redis, with known variables', () => {
    const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, { environment?: Record<string, string>; read_only?: boolean; command?: string }> };
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'proxy', 'redis', 'server-1', 'server-2']);
    for (const name of ['server-1', 'server-2']) {
      const env = compose.services[name].environment!;
      expect(Object.keys(env).filter((n) => !KNOWN_VARIABLES.has(n))).toEqual([]);
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(compose.services[name].read_only).toBe(true);
    }
    expect(compose.services.proxy.command).toContain('--to server-1:8080 --to server-2:8080');
  });

  it('the Dockerfile builds with deploy/production-layout.sh, runs as a non-root user with node as PID 1, and sets only known variables', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/RUN npm ci[^\n]*\n[\s\S]*RUN npm run build && deploy\/production-layout\.sh \/app/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/apps\/server\/src\/main\.js"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/health\/live/m);
    const envBlock = dockerfile.slice(dockerfile.lastIndexOf('ENV '), dockerfile.indexOf('\n# The application tree'));
    const names = [...envBlock.matchAll(/([A-Z_]+)=/g)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(3);
    expect(names.filter((n) => !KNOWN_VARIABLES.has(n))).toEqual([]);
  });
});
