"""Signed notes, checkpoints and cosignatures in the C2SP formats, checked against Go's sumdb/note vector."""
from __future__ import annotations

import pytest

from kezek.log import note

# golang.org/x/mod/sumdb/note's published example: a key, a text and its signed note.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = GO_TEXT + ("\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
                     "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n")


def test_notes_are_signed_and_read_exactly_as_go_sumdb_note_does():
    signer = note.parse_signer(GO_SIGNER)
    assert signer.verifier().encode() == GO_VERIFIER
    assert note.sign(GO_TEXT, signer) == GO_NOTE            # Ed25519 is deterministic: byte for byte
    assert note.verify(GO_NOTE, note.parse_verifier(GO_VERIFIER)) == GO_TEXT


def test_an_edited_note_or_another_key_is_refused():
    verifier = note.parse_verifier(GO_VERIFIER)
    with pytest.raises(note.NoteError):
        note.verify(GO_NOTE.replace("answer", "result"), verifier)
    with pytest.raises(note.NoteError):
        note.verify(GO_NOTE, note.generate("PeterNeumann").verifier())
    with pytest.raises(note.NoteError):
        note.parse_verifier(GO_VERIFIER.replace("c74f20a3", "c74f20a4"))    # an ID that is not the key's


def test_a_checkpoint_round_trips_and_is_cosigned():
    log_key, witness = note.generate("kezek.test/akimat"), note.generate("witness.test/w1", note.COSIGNATURE_V1)
    cp = note.Checkpoint("kezek.test/akimat", 1234, bytes(range(32)))
    signed = note.sign(cp.text(), log_key)
    body = note.verify(signed, log_key.verifier())
    assert note.parse_checkpoint(body) == cp
    assert body == "kezek.test/akimat\n1234\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    cosig = note.cosign(body, witness, 1_700_000_000)
    assert note.verify_cosignature(body, cosig, witness.verifier()) == 1_700_000_000
    _, lines = note.split(signed.rstrip("\n") + "\n" + cosig.line() + "\n")
    assert [s.name for s in lines] == ["kezek.test/akimat", "witness.test/w1"]
    with pytest.raises(note.NoteError):
        note.verify_cosignature(body.replace("1234", "1235"), cosig, witness.verifier())


@pytest.mark.parametrize("body", ["kezek.test/a\n01\nAAAA\n", "kezek.test/a\n12\n", "\n1\n" + "A" * 43 + "=\n",
                                  "kezek.test/a\n-1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"])
def test_a_malformed_checkpoint_is_refused(body):
    with pytest.raises(note.NoteError):
        note.parse_checkpoint(body)
