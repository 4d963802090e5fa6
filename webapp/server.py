"""Runs the app under gunicorn, the same server the Dockerfile uses."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from webapp import config, create_app, load_secret_key

# paths without their query: a login callback's code or a shared form's values have no place in a log
ACCESS_LOG = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


class _Gunicorn(BaseApplication):
    def __init__(self, settings: config.Settings, options: dict):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return create_app(self.settings)  # in each worker, after the fork


def run(settings: config.Settings, host: str, port: int, workers: int) -> None:
    # one key for every worker, decided before they fork
    settings = settings.replace(secret_key=settings.secret_key or load_secret_key(settings.data_dir))
    create_app(settings)  # a setting that cannot work stops here, once, rather than in every worker
    print(f"Flyte Launch: open http://{host}:{port}/", flush=True)
    options = {"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread", "threads": 8,
               "accesslog": "-", "access_log_format": ACCESS_LOG, "timeout": 60, "graceful_timeout": 5}
    _Gunicorn(settings, options).run()
