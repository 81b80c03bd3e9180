"""Template loaders: the app's dispatching loader and the in-memory source snapshot.

See :mod:`veloce.templating` for why the snapshot exists (no disk IO on the event loop).
"""

from __future__ import annotations

import os
import typing as t

import jinja2
from jinja2 import BaseLoader, FileSystemLoader, TemplateNotFound

from veloce.core.context import _cv_ctx

if t.TYPE_CHECKING:
    from veloce.app import Veloce

__all__ = ["DispatchingJinjaLoader", "SnapshotLoader", "autoescape_for"]

Source = tuple[str, str | None, t.Callable[[], bool] | None]


def _always_fresh() -> bool:
    return True


def autoescape_for(filename: str | None) -> bool:
    """Flask's rule: string templates and ``.html/.htm/.xml/.xhtml/.svg`` files escape."""
    if filename is None:
        return True
    return filename.endswith((".html", ".htm", ".xml", ".xhtml", ".svg"))


class SnapshotLoader(BaseLoader):
    """A loader that can serve template sources from memory after :meth:`preload`.

    Wrap any Jinja loader (``SnapshotLoader(FileSystemLoader(path))``) or subclass it
    and override :meth:`load_source` / :meth:`list_templates`.
    """

    def __init__(self, loader: BaseLoader | None = None) -> None:
        self.loader = loader
        self._snapshot: dict[str, tuple[str, str | None]] | None = None

    def load_source(self, environment: jinja2.Environment, template: str) -> Source:
        """Read ``template`` from the real source (the disk), bypassing the snapshot."""
        if self.loader is None:
            raise TemplateNotFound(template)
        return self.loader.get_source(environment, template)

    def list_templates(self) -> list[str]:
        """Every template name the wrapped loader knows."""
        if self.loader is None:
            return []
        return self.loader.list_templates()

    def use_snapshot(self, environment: jinja2.Environment) -> bool:
        """Whether lookups may be answered from memory (never while auto-reloading)."""
        return self._snapshot is not None and not environment.auto_reload

    def get_source(self, environment: jinja2.Environment, template: str) -> Source:
        """The template's source: from the snapshot when possible, else from the loader."""
        if self.use_snapshot(environment):
            hit = self._snapshot.get(template)  # type: ignore[union-attr]
            if hit is not None:
                return hit[0], hit[1], _always_fresh
        return self.load_source(environment, template)

    def is_preloaded(self, environment: jinja2.Environment, template: str) -> bool:
        """Whether loading ``template`` needs no IO."""
        return self.use_snapshot(environment) and template in self._snapshot  # type: ignore[operator]

    def preload(self, environment: jinja2.Environment) -> int:
        """Read every listable template into memory; returns how many were read.

        Blocking IO: call it at startup (the app calls it from ``freeze()``), not from
        a coroutine. Calling it again takes a fresh snapshot.
        """
        snapshot: dict[str, tuple[str, str | None]] = {}
        for name in self.list_templates():
            try:
                source, filename, _ = self.load_source(environment, name)
            except TemplateNotFound:
                continue
            snapshot[name] = (source, filename)
        self._snapshot = snapshot
        return len(snapshot)


class DispatchingJinjaLoader(SnapshotLoader):
    """The app's loader: the app's own loader, then every blueprint's, in order.

    Flask parity: same search order, ``list_templates`` union and
    ``EXPLAIN_TEMPLATE_LOADING`` log; plus the source snapshot described above.
    """

    def __init__(self, app: Veloce) -> None:
        super().__init__(None)
        self.app = app
        self._blueprint_loaders: dict[int, tuple[t.Any, BaseLoader | None]] = {}

    def _loader_of(self, blueprint: t.Any) -> BaseLoader | None:
        # Blueprints are registration-layer objects with no loader of their own; build
        # (once) the one Flask's ``Scaffold.jinja_loader`` would.
        entry = self._blueprint_loaders.get(id(blueprint))
        if entry is None or entry[0] is not blueprint:
            loader = getattr(blueprint, "jinja_loader", None)
            if loader is None and blueprint.template_folder is not None:
                loader = FileSystemLoader(
                    _join(blueprint.package_root, blueprint.template_folder)
                )
            entry = self._blueprint_loaders[id(blueprint)] = (blueprint, loader)
        return entry[1]

    def iter_loaders(self) -> t.Iterator[tuple[t.Any, BaseLoader]]:
        """``(app or blueprint, loader)`` pairs in lookup order."""
        loader = self.app.jinja_loader
        if loader is not None:
            yield self.app, loader
        for blueprint in self.app.iter_blueprints():
            loader = self._loader_of(blueprint)
            if loader is not None:
                yield blueprint, loader

    def use_snapshot(self, environment: jinja2.Environment) -> bool:
        """No snapshot while auto-reloading or explaining template loading."""
        return super().use_snapshot(environment) and not self.app.config[
            "EXPLAIN_TEMPLATE_LOADING"
        ]

    def load_source(self, environment: jinja2.Environment, template: str) -> Source:
        """The first loader's match (and the explanation log when configured)."""
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._load_explained(environment, template)
        for _owner, loader in self.iter_loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def _load_explained(self, environment: jinja2.Environment, template: str) -> Source:
        attempts: list[tuple[BaseLoader, t.Any, Source | None]] = []
        found: Source | None = None
        for owner, loader in self.iter_loaders():
            try:
                rv: Source | None = loader.get_source(environment, template)
            except TemplateNotFound:
                rv = None
            if found is None:
                found = rv
            attempts.append((loader, owner, rv))
        _explain_attempts(self.app, template, attempts)
        if found is None:
            raise TemplateNotFound(template)
        return found

    def list_templates(self) -> list[str]:
        """The union of every loader's templates."""
        names: set[str] = set()
        for _owner, loader in self.iter_loaders():
            names.update(loader.list_templates())
        return list(names)


def _join(root: str, folder: t.Any) -> str:
    return os.path.join(root, os.fspath(folder))


def _describe_loader(loader: BaseLoader) -> list[str]:
    lines = [f"class: {type(loader).__module__}.{type(loader).__name__}"]
    for key, value in sorted(vars(loader).items()):
        if key.startswith("_"):
            continue
        if isinstance(value, (tuple, list)):
            if all(isinstance(item, str) for item in value):
                lines.append(f"{key}:")
                lines.extend(f"  - {item}" for item in value)
            continue
        if isinstance(value, (str, int, float, bool)):
            lines.append(f"{key}: {value!r}")
    return lines


def _explain_attempts(
    app: t.Any, template: str, attempts: list[tuple[BaseLoader, t.Any, Source | None]]
) -> None:
    """Log, like Flask, which loaders were tried for ``template`` and what they found."""
    info = [f"Locating template {template!r}:"]
    found = 0
    ctx = _cv_ctx.get(None)
    blueprint = ctx.request.blueprint if ctx is not None and ctx.request is not None else None
    for index, (loader, owner, triple) in enumerate(attempts, 1):
        if owner is app:
            source = f"application {owner.import_name!r}"
        elif hasattr(owner, "name") and hasattr(owner, "import_name"):
            source = f"blueprint {owner.name!r} ({owner.import_name})"
        else:
            source = repr(owner)
        info.append(f"{index:5}: trying loader of {source}")
        info.extend(f"       {line}" for line in _describe_loader(loader))
        if triple is None:
            detail = "no match"
        else:
            detail = f"found ({triple[1] or '<string>'!r})"
            found += 1
        info.append(f"       -> {detail}")
    fishy = False
    if found == 0:
        info.append("Error: the template could not be found.")
        fishy = True
    elif found > 1:
        info.append("Warning: multiple loaders returned a match for the template.")
        fishy = True
    if blueprint is not None and fishy:
        info.append(
            "  The template was looked up from an endpoint that belongs"
            f" to the blueprint {blueprint!r}."
        )
        info.append("  Maybe you did not place a template in the right folder?")
        info.append("  See https://flask.palletsprojects.com/blueprints/#templates")
    app.logger.info("\n".join(info))
