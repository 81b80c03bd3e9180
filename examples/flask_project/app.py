"""A small, ordinary Flask app. Nothing in it knows about Veloce.

Its test suite (tests/) runs under real Flask with plain ``pytest``, and under Veloce
with ``pytest -p veloce.compat.pytest_plugin``.
"""

from flask import Flask, abort, jsonify, redirect, request, url_for

app = Flask(__name__)

NOTES = {1: "buy milk", 2: "write tests"}


@app.route("/")
def index():
    return redirect(url_for("list_notes"))


@app.route("/notes", methods=["GET", "POST"])
def list_notes():
    if request.method == "POST":
        text = request.form.get("text", "").strip()
        if not text:
            abort(400, "text is required")
        note_id = max(NOTES, default=0) + 1
        NOTES[note_id] = text
        return jsonify(id=note_id, text=text), 201
    return jsonify(notes=[{"id": k, "text": v} for k, v in sorted(NOTES.items())])


@app.route("/notes/<int:note_id>")
def get_note(note_id):
    if note_id not in NOTES:
        abort(404)
    return {"id": note_id, "text": NOTES[note_id]}


@app.errorhandler(404)
def not_found(error):
    return jsonify(error="not found"), 404
