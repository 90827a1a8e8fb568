"""One base exception, typed subclasses, coded messages."""

from __future__ import annotations

import pytest

import newsweave
from newsweave import errors
from newsweave.errors import ExtractionError, IngestError, NewsweaveError


def all_error_classes() -> list[type[NewsweaveError]]:
    found: list[type[NewsweaveError]] = []
    todo: list[type[NewsweaveError]] = [NewsweaveError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: c.code)


def make(cls: type[NewsweaveError]) -> NewsweaveError:
    if issubclass(cls, IngestError):
        return cls("reports/a.txt", "is empty; give a file with text")
    return cls("something went wrong; do this instead")


ERRORS = all_error_classes()


def test_every_error_module_class_is_found() -> None:
    defined = {obj for obj in vars(errors).values()
               if isinstance(obj, type) and issubclass(obj, NewsweaveError)}
    assert defined <= set(ERRORS)
    assert len(ERRORS) >= 7


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_message_starts_with_its_code(cls: type[NewsweaveError]) -> None:
    exc = make(cls)
    assert str(exc).startswith(f"[{cls.code}] ")
    assert str(exc).count(cls.code) == 1
    assert isinstance(exc, NewsweaveError)


def test_codes_are_unique_and_well_formed() -> None:
    codes = [c.code for c in ERRORS]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 4 and c[0] == "E" and c[1:].isdigit() for c in codes)


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_every_error_is_exported(cls: type[NewsweaveError]) -> None:
    assert cls.__name__ in newsweave.__all__
    assert getattr(newsweave, cls.__name__) is cls


def test_ingest_error_keeps_source_and_reason() -> None:
    exc = ExtractionError("page.html", "no article text found; give the article page")
    assert isinstance(exc, IngestError)
    assert (exc.source, exc.reason) == ("page.html", "no article text found; give the article page")
    assert str(exc) == "[E011] page.html: no article text found; give the article page"


def test_exit_codes() -> None:
    assert errors.ConfigError.exit_code == 2
    assert NewsweaveError.exit_code == 1
