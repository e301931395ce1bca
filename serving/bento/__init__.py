"""BentoML integration: artifact checks, generated services, builds and served processes.

The only package that imports bentoml or loads model artifacts. Nothing here needs Django, and
nothing the web process imports loads an artifact: the build and serve steps run bentoml in
subprocesses, and the service modules run only inside those.
"""
