"""The smallest Veloce app: Flask-style views, sync and async side by side.

Run it:  veloce --app examples/hello.py run   (development server), or
         uvicorn examples.hello:app            (production).
"""

from veloce import Veloce, jsonify, request

app = Veloce(__name__)


@app.route("/")
def index():
    return "Hello, World!"


@app.route("/json")
def json_view():
    return {"message": "Hello, World!"}


@app.route("/users/<int:id>")
async def user(id):
    return jsonify(id=id, q=request.args.get("q"))


@app.post("/echo")
def echo():
    return {"form": request.form.to_dict(), "json": request.get_json(silent=True)}
