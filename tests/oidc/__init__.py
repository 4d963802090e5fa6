"""A real OpenID Connect provider (``provider.mjs``, panva's oidc-provider on Node) and its pytest fixtures."""
