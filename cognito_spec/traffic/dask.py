"""Validate JSON-lines captures on a Dask cluster: a bag of lines in, findings and a summary out.

Needs the optional extra: ``pip install 'cognito-spec[dask]'`` (``dask[bag]`` and ``distributed``;
``s3fs``, ``gcsfs`` or ``adlfs`` for object storage).  The recipe::

    import dask
    from dask.distributed import Client

    from cognito_spec.traffic.dask import read_captures, validate_bag

    client = Client("tcp://scheduler:8786")  # or Client() for a cluster on this machine
    bag = read_captures("s3://bucket/captures/*.jsonl")  # one partition per file
    findings, summary = validate_bag(bag)
    findings, summary = dask.compute(findings, summary)  # one pass over the data for both
    for f in findings:  # LocatedFinding: source, index, operation, finding, in file then line order
        print(f.source, f.index, f.finding.kind)
    print(summary.to_json(sources=[...], strict=False))  # the summary record of cognito-spec validate

:func:`read_captures` is ``dask.bag.read_text`` with the options the findings need, and a bag made
by hand works as well if it keeps them: ``include_path=True`` (a finding names its file),
``blocksize=None`` (see below), ``linedelimiter="\\n"`` (lines end at a newline only, as the command
line cuts them; the default universal newlines would also cut at a lone ``\\r`` and shift the
numbering) and ``encoding="utf-8", errors="surrogateescape"`` (text that encodes back to exactly the
bytes of the file, so invalid UTF-8 gets the verdict ``cognito-spec validate`` gives it).  Each
partition runs :func:`validate_partition` (:func:`cognito_spec.traffic.batch.validate_lines`, the
code of ``cognito-spec validate`` itself), and the summaries are added up in a tree reduction with
:meth:`Summary.merge <cognito_spec.traffic.batch.Summary.merge>`, a sum of counts, so the result does
not depend on how the work was cut or in which order it came back.  Large outputs need not come
back to the client: ``findings.map(LocatedFinding.to_json).map(json.dumps).to_textfiles(...)``.

Line numbers, and the trade-off of ``blocksize=None``.  A finding names its exchange as the
command line does, ``(file, line from 0)``; ``read_text`` gives lines without their number, so the
numbering restarts at each new file of a partition and every file must be read whole by one
partition.  Files are then the unit of parallelism: a few very large files keep a few workers
busy while the others idle, and each worker holds one file's lines at a time.  Captures kept as
many files of moderate size (how log shippers and ``split -l`` leave them) suit this best; split a
huge file before, or validate it on one machine with ``cognito-spec validate --jobs N``, which cuts
one file into ranges and knows where each starts.  A bag read with a ``blocksize`` would number the
second block of a file from 0 again: the summary refuses it (:class:`ArgumentValueError` naming the
file) rather than give wrong line numbers.

An unreadable line (not JSON, not a record) fails the computation with the
:class:`~cognito_spec.errors.CaptureError` ``cognito-spec validate`` reports (file and line, never
the content), where the command line would first print the findings before it.  Messages are
redacted unless ``reveal=True``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, cast

from cognito_spec.errors import ArgumentTypeError, ArgumentValueError, DaskExtraMissingError
from cognito_spec.traffic.batch import BatchResult, LocatedFinding, Summary, validate_lines

if TYPE_CHECKING:
    from dask.bag import Bag, Item

__all__ = ["read_captures", "validate_bag", "validate_partition"]

_EXTRA_HINT: Final = "validating on Dask needs dask.bag: pip install 'cognito-spec[dask]'"


def _bag_module() -> Any:
    try:
        import dask.bag
    except ImportError:
        raise DaskExtraMissingError(_EXTRA_HINT) from None
    return dask.bag


def read_captures(
    urlpath: str | Sequence[str],
    *,
    compression: str | None = "infer",
    storage_options: dict[str, Any] | None = None,
) -> Bag:
    """A bag of ``(line, path)`` pairs, one partition per file, read as :func:`validate_bag` needs
    (see the module documentation); ``compression="infer"`` reads ``.gz`` and the like by suffix."""
    return _bag_module().read_text(  # type: ignore[no-any-return]
        urlpath,
        blocksize=None,
        include_path=True,
        linedelimiter="\n",
        encoding="utf-8",
        errors="surrogateescape",
        compression=compression,
        storage_options=storage_options,
    )


def validate_partition(elements: Iterable[Any], reveal: bool = False) -> list[BatchResult]:
    """Validate one partition of ``(line, path)`` pairs: a :class:`BatchResult` per run of lines of
    one file, numbered from 0 where the file starts.

    The function to give ``Bag.map_partitions``.  Raises the
    :class:`~cognito_spec.errors.CaptureError` of the first unreadable line.
    """
    results: list[BatchResult] = []
    run: list[Any] = []
    path: str | None = None
    for element in elements:
        if type(element) is not tuple or len(element) != 2 or type(element[1]) is not str:
            raise ArgumentTypeError(
                "a partition holds (line, path) pairs: read the files with include_path=True"
                " (cognito_spec.traffic.dask.read_captures does)"
            )
        if element[1] != path:
            if path is not None:
                results.append(_validated(run, path, reveal))
            run, path = [], element[1]
        run.append(element[0])
    if path is not None:
        results.append(_validated(run, path, reveal))
    return results


def _validated(lines: list[Any], source: str, reveal: bool) -> BatchResult:
    result = validate_lines(lines, source=source, reveal=reveal)
    if result.failure is not None:
        raise result.failure
    return result


def _findings(result: BatchResult) -> list[LocatedFinding]:
    return result.findings()


#: What the summary reduction carries: the counts, and the files met, each partition's in order.
_Partial = tuple[Summary, tuple[str, ...]]


def _partial(results: Iterable[BatchResult]) -> _Partial:
    results = list(results)
    return Summary.combine(*(r.summary for r in results)), tuple(r.source for r in results)


def _aggregate(partials: Iterable[_Partial]) -> _Partial:
    partials = list(partials)
    return (
        Summary.combine(*(s for s, _ in partials)),
        tuple(source for _, sources in partials for source in sources),
    )


def _finish(partial: _Partial) -> Summary:
    summary, sources = partial
    seen: set[str] = set()
    for source in sources:
        if source in seen:
            raise ArgumentValueError(
                f"{source} spans several partitions, so its line numbers would restart in each:"
                " read every file whole (blocksize=None; cognito_spec.traffic.dask.read_captures does)"
            )
        seen.add(source)
    return summary


def validate_bag(bag: Bag, *, reveal: bool = False, split_every: int | None = None) -> tuple[Bag, Item]:
    """The findings (a bag of :class:`LocatedFinding`, file by file in the bag's order, then by line)
    and the :class:`Summary` (a delayed item) of a bag of ``(line, path)`` pairs.

    Compute both together (``dask.compute(findings, summary)``): they share the validation, which
    then runs once.  ``split_every`` is the fan-in of the summary's tree reduction.
    """
    results: Any = cast(Any, bag).map_partitions(validate_partition, reveal=reveal)  # dask is untyped
    findings = results.map(_findings).flatten()
    summary = results.reduction(_partial, _aggregate, split_every=split_every).apply(_finish)
    return findings, summary
