// A real OpenID Connect provider (panva's oidc-provider) for login tests, so the app and the sandbox admin
// are tested against the same protocol a production IdP speaks, not a mock.
//
// Environment:
//   PORT                       0 (default): any free port
//   REDIRECT_URIS              comma separated, for the public client
//   POST_LOGOUT_REDIRECT_URIS  comma separated (default: the origin "/" of every redirect URI)
//   ACCESS_TOKEN_TTL           seconds (default 3600), to test expiry and refresh
// Prints one line, "issuer http://127.0.0.1:PORT", once it listens.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'all'];
// The resource a token is for when the request names none: FlyteAdmin, which expects audience "flyteadmin".
const FLYTEADMIN = 'urn:flyteadmin';
const ACCESS_TOKEN_TTL = Number(process.env.ACCESS_TOKEN_TTL || 3600);
const REDIRECT_URIS = list(process.env.REDIRECT_URIS);
const POST_LOGOUT_REDIRECT_URIS = process.env.POST_LOGOUT_REDIRECT_URIS
  ? list(process.env.POST_LOGOUT_REDIRECT_URIS)
  : [...new Set(REDIRECT_URIS.map((uri) => `${new URL(uri).origin}/`))];

function list(value) {
  return (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

function profile(accountId) {
  return {
    sub: accountId,
    name: accountId.charAt(0).toUpperCase() + accountId.slice(1),
    preferred_username: accountId,
    email: `${accountId}@example.com`,
    email_verified: true,
  };
}

// Any other resource a test asks for is a resource server whose audience is its own identifier:
// that is how a test gets a correctly signed token for the wrong audience.
function resourceServer(resource) {
  return {
    audience: resource === FLYTEADMIN ? 'flyteadmin' : resource,
    scope: 'all',
    accessTokenFormat: 'jwt',
  };
}

// A fresh signing key per process: tokens of one provider never verify against another's JWKS.
function signingKeys() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256' }] };
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function loginPage(uid, problem = '') {
  return page('Sign in to the test identity provider', `
${problem ? `<p role="alert">${escape(problem)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
  <label for="username">Username</label>
  <input id="username" name="username" type="text" autocomplete="username" required autofocus>
  <button type="submit">Sign in</button>
</form>`);
}

const configuration = {
  clients: [
    {
      client_id: 'flyte-launch',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: REDIRECT_URIS,
      post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
    },
    {
      client_id: 'flyte-launch-service',
      client_secret: 'service-secret',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
  ],
  scopes: SCOPES,
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  // Profile claims in the ID token itself: the app's access token is for FlyteAdmin, not for /me.
  conformIdTokenClaims: false,
  async findAccount(ctx, accountId) {
    return { accountId, claims: async () => profile(accountId) };
  },
  // Profile claims in user access tokens too (as Keycloak does), so the admin's UserInfo can answer from them.
  async extraTokenClaims(ctx, token) {
    if (!token.accountId) return undefined;
    const { sub, ...claims } = profile(token.accountId);
    return claims;
  },
  pkce: { required: () => true },
  // A refresh token with every code, as most IdPs give for offline_access: oidc-provider itself drops
  // offline_access unless the request also says prompt=consent (OpenID Connect Core §11).
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  ttl: { AccessToken: ACCESS_TOKEN_TTL, ClientCredentials: ACCESS_TOKEN_TTL },
  jwks: signingKeys(),
  cookies: { keys: [randomBytes(32).toString('hex')] },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, client, oneOf) => oneOf ?? FLYTEADMIN,
      // The code and refresh grants keep the resource of the authorization: a FlyteAdmin JWT, not an opaque token.
      useGrantedResource: async () => true,
      getResourceServerInfo: async (ctx, resource) => resourceServer(resource),
    },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Sign out of the test identity provider?', `${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<p>You are signed out of the test identity provider.</p>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Sign-in error', Object.entries(out)
      .map(([key, value]) => `<p><strong>${escape(key)}</strong>: ${escape(value)}</p>`).join(''));
  },
};

// Everything the user consented to: the requested scopes (OpenID and FlyteAdmin's), plus whatever the
// provider still finds missing when it asks for consent on its own (a new claim, a new resource).
async function grantEverythingRequested(provider, { params, prompt }, accountId) {
  const grant = new provider.Grant({ accountId, clientId: params.client_id });
  const requested = (params.scope ?? '').split(' ');
  const missing = prompt.details;
  const openidScopes = [...requested.filter((scope) => SCOPES.includes(scope)), ...(missing.missingOIDCScope ?? [])];
  if (openidScopes.length) grant.addOIDCScope(openidScopes);
  if (missing.missingOIDCClaims?.length) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const resource of [params.resource ?? FLYTEADMIN].flat()) {
    const offered = resourceServer(resource).scope.split(' ');
    const scopes = requested.filter((scope) => offered.includes(scope));
    if (scopes.length) grant.addResourceScope(resource, scopes);
  }
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes);
  }
  return grant.save();
}

async function formFields(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function sendHtml(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

// GET shows the login form (or consents at once for a signed-in user); POST signs in as the typed username.
async function interaction(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'POST') {
    const accountId = (await formFields(req)).get('username')?.trim();
    if (!accountId) return sendHtml(res, 400, loginPage(details.uid, 'Enter a username.'));
    const grantId = await grantEverythingRequested(provider, details, accountId);
    return provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } },
      { mergeWithLastSubmission: false });
  }
  if (details.prompt.name === 'login') return sendHtml(res, 200, loginPage(details.uid));
  const grantId = await grantEverythingRequested(provider, details, details.session.accountId);
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const server = createServer();
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url.startsWith('/interaction/')) return handle(req, res);
    return interaction(provider, req, res).catch((error) => {
      sendHtml(res, error.status ?? 500, page('Sign-in error', `<p>${escape(error.message)}</p>`));
    });
  });
  process.stdout.write(`issuer ${issuer}\n`);
});
