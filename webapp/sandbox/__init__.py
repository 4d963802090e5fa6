"""The embedded sandbox FlyteAdmin: a real AdminService over gRPC, so the console runs with no Flyte cluster.

A separate room: nothing here imports the web app, and the web app reaches it only over gRPC (``server.start``).

- ``server``: the servicer, seeding and ``start()``
- ``registry``: projects, domains, tasks, workflows, launch plans
- ``executions``: create, relaunch, recover, list, terminate
- ``inputs``, ``types``, ``names``: admin's input, type and name rules with its messages
- ``filters``: list requests (filters, sort, page tokens) to SQL
- ``phases``: the clock that moves executions along
- ``auth``, ``issuer``: admin with auth on: bearer tokens from an OpenID issuer, AuthMetadata and Identity services
- ``store``: SQLite
- ``errors``: admin's status codes and texts
- ``seed``: the demo entities registered on first start
"""
