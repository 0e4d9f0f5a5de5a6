"""`casebundle web`: the review queue, run status and governance pages as a local web app.

An edge layer like the command line: FastAPI and jinja2 templates over the pipeline's
package faces, plain HTML forms, no scripts and no front-end build. Bound to 127.0.0.1 by
default. Accounts (`casebundle users`) live in the state folder.

Modules: `app` (create_app: middleware, error pages, routers), `context` (WebConfig,
WebContext), `guard` (sessions, roles, CSRF as dependencies), `users` (accounts, argon2id,
lock-out), `sessions`, `runner` (runs as child processes), `pages` (templates, menu),
`routes/` (one router per area). Nothing is imported here, so `casebundle users` does not
load FastAPI.
"""
