"""The files a school may edit (frameworks, layouts, national figures, report template, demo data).

A package only so that an installed tracker finds them with `importlib.resources`
(`sync.templates.TEMPLATES_DIR`); there is no code here.
"""
