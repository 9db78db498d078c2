"""The same roster job with the Python discovery client (google-api-python-client).

Its own retries: execute(num_retries=N) retries 5xx, 429 and dropped connections with a full-jitter
backoff from 1 s; anything else is reported and ends the job with status 1.

    classroom-emulator check -- python3 packages/emulator/examples/conformance/roster_job.py
"""
import os
import sys

import google_auth_httplib2
import googleapiclient
import httplib2
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

COURSE = "d:welcome"
ROSTER = ["ava.chen@maplewood.example", "noah.patel@maplewood.example", "samuel.adeyemi@maplewood.example"]
RETRIES = 5

host = os.environ.get("CLASSROOM_EMULATOR_HOST")
credentials = Credentials(os.environ.get("CLASSROOM_EMULATOR_TOKEN_ADMIN", "demo-admin"))
http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=5))
where = {"discoveryServiceUrl": f"http://{host}/$discovery/rest?version=v1"} if host else {}
if host and int(googleapiclient.__version__.split(".")[0]) >= 2:
    where["static_discovery"] = False  # 2.x ships discovery documents; read the emulator's instead
service = build("classroom", "v1", http=http, **where)

try:
    course = service.courses().get(id=COURSE).execute(num_retries=RETRIES)
    enrolled = set()
    page_token = None
    while True:
        page = service.courses().students().list(courseId=COURSE, pageToken=page_token).execute(num_retries=RETRIES)
        enrolled.update(s["profile"].get("emailAddress") for s in page.get("students", []))
        page_token = page.get("nextPageToken")
        if not page_token:
            break
    added = 0
    for user in [email for email in ROSTER if email not in enrolled]:
        service.courses().students().create(courseId=COURSE, body={"userId": user}).execute(num_retries=RETRIES)
        added += 1
    print(f"{course['name']}: {len(enrolled)} enrolled, {added} added")
except HttpError as error:
    print(f"The roster job stopped: {error}", file=sys.stderr)
    sys.exit(1)
