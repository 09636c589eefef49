"""A process setting turned for the length of blocks (`flows.runtime.bulk.CountedSwitch`):
the collector's pause and the network's base pages both rest on it."""

from __future__ import annotations

import gc
import threading

from flows.runtime.bulk import CountedSwitch, collector_paused


def test_turned_by_the_first_block_and_restored_by_the_last():
    state = {"on": True, "turns": 0}

    def turn():
        state["on"] = False
        state["turns"] += 1
        return lambda: state.update(on=True)

    switch = CountedSwitch(turn)
    with switch():
        assert state["on"] is False
        with switch():
            assert state["on"] is False
        assert state["on"] is False  # the outer block still runs
    assert state == {"on": True, "turns": 1}


def test_asked_again_by_a_later_block_when_nothing_was_turned():
    asked = []
    switch = CountedSwitch(lambda: asked.append(1))  # returns None: nothing to restore
    with switch(), switch():
        pass
    with switch():
        pass
    assert len(asked) == 2  # once per outermost block


def test_blocks_in_two_threads_are_counted():
    state = {"on": True}

    def turn():
        state["on"] = False
        return lambda: state.update(on=True)

    switch = CountedSwitch(turn)
    inside, release = threading.Event(), threading.Event()

    def worker():
        with switch():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    with switch():
        thread.start()
        inside.wait(5)
    assert state["on"] is False  # the worker's block is still open
    release.set()
    thread.join(5)
    assert state["on"] is True


def test_the_collector_resumes_only_if_it_was_on():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
