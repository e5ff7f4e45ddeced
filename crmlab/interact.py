"""Widgets whose output is captured in the kernel, so that headless runs never stall on them.

Why
---
``ipywidgets.interact`` shows what its function displays in an ``Output`` widget. The stock
``Output`` widget asks the *front end* to capture: it tells the front end "outputs of message X
are mine", and the front end sends the outputs back to the kernel as widget state (a
``comm_msg`` on the shell channel). A headless runner (nbclient, so papermill, nbconvert
``--execute``, otter, crmlab.course) mimics that front end: for every picture or table the widget
shows while its cell runs, nbclient sends a ``comm_msg`` on the shell socket *while it is waiting
on that same socket* for the cell's ``execute_reply``. jupyter_client sends through a blocking
shadow of the asyncio socket (``Session.send``), which processes the socket's pending commands,
including "a message has arrived", and so consumes the edge-triggered wake-up that the waiting
``poll`` needs (the starvation pyzmq fixed for its own sends in zeromq/pyzmq#1208). When the
kernel's ``execute_reply`` arrives in that window, nbclient waits for it forever (it waits on
the shell socket without a timeout): the cell never ends, at 0 % CPU. A trace of a stalled run
of lecture 04 (``benchmarks/stress_papermill.py --diagnose``) shows exactly this: the kernel sent
``execute_reply`` at t, the runner sent ``comm_msg`` at t + 3 ms, and never received the reply.

What this module does
---------------------
:class:`KernelCapturedInteractive` is ``ipywidgets.interactive`` with one change: the function's
outputs (displays, prints, errors) are collected *in the kernel* and put into the ``Output``
widget's ``outputs`` in one state update, which the kernel sends on IOPub. The front end (or
nbclient) never captures, so it never sends anything back, and a headless run has no
shell traffic but its own requests. In JupyterLab the widget looks and behaves the same (the
view is replaced in one step, without the flicker of clear-then-draw), and executed notebooks keep
the default view in their widget state. :func:`use_kernel_capture` makes ``ipywidgets.interact``
build these widgets; :mod:`crmlab.live` calls it when it is imported in a Jupyter kernel, so every
lecture gets it without a change to its cells.

Examples
--------
>>> import ipywidgets
>>> use_kernel_capture()
True
>>> ipywidgets.interact.cls is KernelCapturedInteractive
True
>>> w = KernelCapturedInteractive(lambda n: print("n =", n), n=3)
>>> w.out.outputs
({'output_type': 'stream', 'name': 'stdout', 'text': 'n = 3\\n'},)
"""
from __future__ import annotations

import base64
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets
from ipywidgets.widgets.interaction import show_inline_matplotlib_plots

__all__ = ["KernelCapturedInteractive", "use_kernel_capture", "captured_outputs"]


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Display data as JSON: binary payloads (PNG from a formatter) become base64 text, as on IOPub."""
    return {key: base64.b64encode(value).decode("ascii") if isinstance(value, bytes | bytearray) else value
            for key, value in data.items()}


class _Collector:
    """Outputs in notebook format, in the order they were made; streams of one name are joined."""

    def __init__(self) -> None:
        self.outputs: list[dict[str, Any]] = []
        self.clear_before_next = False

    def _add(self, output: dict[str, Any]) -> None:
        if self.clear_before_next:
            self.outputs.clear()
            self.clear_before_next = False
        last = self.outputs[-1] if self.outputs else None
        if (output["output_type"] == "stream" and last is not None and last["output_type"] == "stream"
                and last["name"] == output["name"]):
            last["text"] += output["text"]
        else:
            self.outputs.append(output)

    def stream(self, name: str, text: str) -> None:
        if text:
            self._add({"output_type": "stream", "name": name, "text": text})

    def display(self, data: dict[str, Any], metadata: dict[str, Any] | None) -> None:
        self._add({"output_type": "display_data", "data": _jsonable(data), "metadata": dict(metadata or {})})

    def error(self, problem: BaseException) -> None:
        self._add({"output_type": "error", "ename": type(problem).__name__, "evalue": str(problem),
                   "traceback": traceback.format_exception(problem)})

    def clear(self, wait: bool = False) -> None:
        if wait:
            self.clear_before_next = True
        else:
            self.outputs.clear()


class _Stream:
    """A text stream (stdout or stderr) that writes into a collector."""

    def __init__(self, collector: _Collector, name: str, original: Any) -> None:
        self._collector, self.name, self._original = collector, name, original
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        self._collector.stream(self.name, text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:       # anything else (fileno, ...) as the real stream has it
        return getattr(self._original, name)


class _Publisher:
    """Stands in for the shell's display publisher while a widget function runs."""

    def __init__(self, collector: _Collector, original: Any) -> None:
        self._collector, self._original = collector, original
        self.is_publishing = False

    def publish(self, data: dict[str, Any], metadata: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> None:
        self._collector.display(data, metadata)

    def clear_output(self, wait: bool = False) -> None:
        self._collector.clear(wait)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)


@contextmanager
def captured_outputs() -> Iterator[list[dict[str, Any]]]:
    """Collect what the block prints and displays, as notebook outputs, instead of sending it.

    Examples
    --------
    >>> with captured_outputs() as outputs:
    ...     print("hello")
    >>> outputs
    [{'output_type': 'stream', 'name': 'stdout', 'text': 'hello\\n'}]
    """
    from IPython.core.interactiveshell import InteractiveShell

    collector = _Collector()
    shell = InteractiveShell.instance() if InteractiveShell.initialized() else None
    saved_publisher = shell.display_pub if shell is not None else None
    saved_out, saved_err = sys.stdout, sys.stderr
    if shell is not None:
        shell.display_pub = _Publisher(collector, saved_publisher)
    sys.stdout, sys.stderr = _Stream(collector, "stdout", saved_out), _Stream(collector, "stderr", saved_err)
    try:
        yield collector.outputs
    finally:
        sys.stdout, sys.stderr = saved_out, saved_err
        if shell is not None:
            shell.display_pub = saved_publisher


class KernelCapturedInteractive(ipywidgets.interactive):
    """``ipywidgets.interactive`` whose outputs are collected in the kernel (see the module docstring)."""

    def update(self, *args: Any) -> None:
        """Call the function with the controls' values and show its outputs in one state update."""
        self.kwargs = {}
        if self.manual:
            self.manual_button.disabled = True
        try:
            show_inline_matplotlib_plots()          # figures made before: shown where they were made
            with captured_outputs() as outputs:
                try:
                    for widget in self.kwargs_widgets:
                        self.kwargs[widget._kwarg] = widget.get_interact_value()
                    self.result = self.f(**self.kwargs)
                    show_inline_matplotlib_plots()
                    if self.auto_display and self.result is not None:
                        from IPython.display import display

                        display(self.result)
                except Exception as problem:        # shown in the widget, as ipywidgets does
                    _Collector.error(_as_collector(outputs), problem)
                    self.log.warning("Exception in interact callback: %s", problem, exc_info=True)
            self.out.outputs = tuple(outputs)
        finally:
            if self.manual:
                self.manual_button.disabled = False


def _as_collector(outputs: list[dict[str, Any]]) -> _Collector:
    collector = _Collector()
    collector.outputs = outputs
    return collector


def use_kernel_capture() -> bool:
    """Make ``ipywidgets.interact`` (and ``@interact``) build :class:`KernelCapturedInteractive` widgets.

    Idempotent; returns True. ``interact_manual`` and ``interactive`` itself are left unchanged.
    """
    ipywidgets.interact.cls = KernelCapturedInteractive
    return True
