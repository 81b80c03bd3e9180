import flask


def test_index_redirects_to_notes(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/notes"


def test_list_notes(client):
    data = client.get("/notes").get_json()
    assert {"id": 1, "text": "buy milk"} in data["notes"]


def test_create_note(client):
    response = client.post("/notes", data={"text": "ship it"})
    assert response.status_code == 201
    assert response.get_json()["text"] == "ship it"


def test_create_note_requires_text(client):
    response = client.post("/notes", data={"text": "  "})
    assert response.status_code == 400
    assert b"text is required" in response.data


def test_missing_note_uses_the_404_handler(client):
    response = client.get("/notes/999")
    assert response.status_code == 404
    assert response.get_json() == {"error": "not found"}


def test_reports_which_flask_it_runs_on():
    # Printed so a run shows which implementation answered.
    print("flask module:", flask.__name__, flask.__file__)
