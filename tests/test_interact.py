"""Widget cells never make a headless runner send on the shell socket it waits on (the stall of issue 11).

The stall: nbclient mimics a front end for ipywidgets' Output widget and sends a ``comm_msg`` on the
shell socket while it waits there for the cell's ``execute_reply``; jupyter_client sends through a
blocking shadow socket, which can consume the wake-up of the waiting poll, and the cell never ends
(see ``crmlab/interact.py``). These tests run a real kernel with nbclient and count what the client
sends: with crmlab's kernel-side capture it sends nothing but its own requests, whatever the cell
displays. The control shows the count can fail: stock ``ipywidgets.interact`` makes it send.
"""
from __future__ import annotations

import nbformat
import pytest
from jupyter_client import session as jc_session
from nbclient import NotebookClient

CELL = """
import base64
import ipywidgets as widgets
from IPython.display import Image, display
{setup}
picture = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")

def show(n):
    display(Image(data=picture, format="png"))
    print("n =", n)
    display({{"text/plain": f"table {{n}}"}}, raw=True)

w = widgets.interact(show, n=widgets.IntSlider(value=3, min=0, max=5))
"""


def _sent_types(setup: str) -> tuple[list[str], nbformat.NotebookNode]:
    sent: list[str] = []
    original = jc_session.Session.send

    def recording(self, stream, msg_or_type, *args, **kwargs):
        msg = original(self, stream, msg_or_type, *args, **kwargs)
        sent.append(msg["header"]["msg_type"] if isinstance(msg, dict) else str(msg_or_type))
        return msg

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(CELL.format(setup=setup)))
    jc_session.Session.send = recording
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    finally:
        jc_session.Session.send = original
    return sent, nb


@pytest.mark.notebook
def test_crmlab_widgets_make_the_runner_send_nothing_on_the_shell_channel():
    sent, nb = _sent_types("import crmlab.live")     # what every lecture imports: kernel-side capture
    assert "comm_msg" not in sent, sent
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    outputs = [m["state"]["outputs"] for m in state.values() if m["model_name"] == "OutputModel"]
    kinds = [[o["output_type"] for o in out] for out in outputs]
    assert kinds == [["display_data", "stream", "display_data"]]      # the default view, in order
    assert outputs[0][0]["data"]["image/png"].startswith("iVBOR")       # a PNG, base64 as on IOPub
    assert outputs[0][1]["text"] == "n = 3\n"


@pytest.mark.notebook
def test_control_stock_interact_makes_the_runner_send_on_the_shell_channel():
    sent, _ = _sent_types("")                        # no crmlab: ipywidgets' front-end capture
    assert sent.count("comm_msg") >= 3, sent         # one per output, sent while the reply is awaited


def test_kernel_capture_keeps_errors_in_the_widget():
    from crmlab.interact import KernelCapturedInteractive

    def broken(n):
        print("before")
        raise ValueError(f"bad n {n}")

    widget = KernelCapturedInteractive(broken, n=2)
    kinds = [o["output_type"] for o in widget.out.outputs]
    assert kinds == ["stream", "error"]
    assert widget.out.outputs[1]["evalue"] == "bad n 2"
