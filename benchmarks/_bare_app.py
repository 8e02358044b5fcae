"""A FastAPI app that does nothing: the ceiling a real endpoint is compared with."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/noop")
def noop() -> dict[str, str]:
    return {"status": "ok"}
