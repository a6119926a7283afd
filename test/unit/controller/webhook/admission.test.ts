/**
 * The webhook's decision and certificates, without a cluster: AdmissionReview in, review out; the
 * self-managed CA and serving certificate, and when they must be replaced.
 */
import { expect } from 'chai';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  denialMessage,
  MAX_LISTED_PROBLEMS,
  reviewComposition,
} from '../../../../engine/controller/webhook/admission.ts';
import { bundleProblem, newCertBundle, servingCert } from '../../../../engine/controller/webhook/certs.ts';
import { parseWebhookPort } from '../../../../engine/cli/lib/operator.ts';

const composition = (template: string): Record<string, unknown> => ({
  apiVersion: 'kubify.io/v1alpha1',
  kind: 'Composition',
  metadata: { name: 'w', uid: 'x', generation: 3, managedFields: [] },
  spec: {
    api: {
      group: 'w.test.kubify.io',
      version: 'v1alpha1',
      kind: 'W',
      schema: { type: 'object', properties: { color: { type: 'string' } } },
    },
    resources: [{ id: 'config', template }],
  },
  status: { conditions: [{ type: 'Ready', status: 'True' }], whatever: 1 },
});
const GOOD = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  color: "{{claim.spec.color}}"\n';
const review = (operation: string, object: unknown, subResource?: string): unknown => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'u-1', operation, object, ...(subResource ? { subResource } : {}) },
});

describe('admission webhook: reviewComposition', () => {
  it('allows a Composition that compiles (its status and server metadata are not checked)', () => {
    const answer = reviewComposition(review('UPDATE', composition(GOOD)));
    expect(answer).to.deep.equal({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u-1', allowed: true },
    });
  });

  it('denies one that does not, with validate text (path: message (code)) and status 422', () => {
    const answer = reviewComposition(review('CREATE', composition(`${GOOD}  x: "{{frob 1}}"\n`)));
    expect(answer.response.allowed).to.equal(false);
    expect(answer.response.status).to.deep.equal({
      code: 422,
      reason: 'Invalid',
      message: 'spec.resources[0].template: unknown helper frob (template.unknown-helper)',
    });
  });

  it('never refuses a delete or a status write', () => {
    const broken = composition('{{#if');
    expect(reviewComposition(review('DELETE', broken)).response.allowed).to.equal(true);
    expect(reviewComposition(review('UPDATE', broken, 'status')).response.allowed).to.equal(true);
  });

  it('throws on a body that is no AdmissionReview (the server answers 400)', () => {
    expect(() => reviewComposition({ hello: 1 })).to.throw('not an AdmissionReview');
  });

  it(`lists at most ${MAX_LISTED_PROBLEMS} problems, sorted, then counts the rest`, () => {
    const problems = Array.from({ length: 25 }, (_, i) => ({
      code: 'x.y',
      message: `m${String(i).padStart(2, '0')}`,
      path: 'spec',
    }));
    const lines = denialMessage(problems).split('\n');
    expect(lines).to.have.length(MAX_LISTED_PROBLEMS + 1);
    expect(lines[0]).to.equal('spec: m00 (x.y)');
    expect(lines.at(-1)).to.equal('... and 5 more (run kubify validate on the file to see them all)');
    expect(denialMessage([{ code: 'w', message: 'only a warning', path: '', severity: 'Warning' }])).to.equal(
      '',
    );
  });
});

describe('admission webhook: certificates', () => {
  const hosts = ['kubify-webhook.kubify-system.svc', '127.0.0.1'];
  const now = new Date('2030-01-01T00:00:00Z');
  const day = 86_400_000;
  const bundle = newCertBundle(hosts, now);

  it('makes a CA and a serving certificate it signs, for the DNS names and IPs given, with its key', () => {
    const ca = new X509Certificate(bundle.caCert);
    const cert = new X509Certificate(bundle.cert);
    expect(ca.ca).to.equal(true);
    expect(cert.ca).to.equal(false);
    expect(cert.verify(ca.publicKey)).to.equal(true);
    expect(cert.subjectAltName).to.equal('DNS:kubify-webhook.kubify-system.svc, IP Address:127.0.0.1');
    expect(cert.checkPrivateKey(createPrivateKey(bundle.key))).to.equal(true);
    expect(new Date(cert.validTo).getTime() - now.getTime()).to.be.closeTo(365 * day, day);
  });

  it('keeps a bundle that is valid for the hosts and not expiring', () => {
    expect(bundleProblem(bundle, hosts, now)).to.equal(undefined);
    expect(bundleProblem(bundle, hosts, new Date(now.getTime() + 300 * day))).to.equal(undefined);
  });

  it('renews the serving certificate 30 days before it expires, or when a host is missing', () => {
    expect(bundleProblem(bundle, hosts, new Date(now.getTime() + 340 * day))?.replace).to.equal('serving');
    expect(bundleProblem(bundle, [...hosts, 'other.svc'], now)).to.deep.equal({
      replace: 'serving',
      reason: 'the serving certificate does not name other.svc',
    });
    const renewed = { ...bundle, ...servingCert(bundle.caCert, bundle.caKey, hosts, now) };
    expect(bundleProblem(renewed, hosts, now)).to.equal(undefined);
    expect(renewed.cert).to.not.equal(bundle.cert);
  });

  it('replaces the CA when it cannot be read, and the serving certificate when another CA signed it', () => {
    expect(bundleProblem({ ...bundle, caCert: 'garbage' }, hosts, now)?.replace).to.equal('ca');
    const other = newCertBundle(hosts, now);
    expect(bundleProblem({ ...bundle, cert: other.cert, key: other.key }, hosts, now)).to.deep.equal({
      replace: 'serving',
      reason: 'the serving certificate is not signed by the CA',
    });
  });
});

describe('kubify operator --webhook-port', () => {
  it('takes a port, 0 disables, anything else is a usage error', () => {
    expect(parseWebhookPort('9443')).to.equal(9443);
    expect(parseWebhookPort('0')).to.equal(undefined);
    expect(() => parseWebhookPort('70000')).to.throw('--webhook-port: "70000" is not a port');
    expect(() => parseWebhookPort('x')).to.throw('--webhook-port');
  });
});
