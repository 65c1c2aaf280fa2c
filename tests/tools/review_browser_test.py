#!/usr/bin/python3
"""End-to-end test of `silt review` in a real browser (Debian's Chromium, headless, driven by
python3-selenium and chromedriver).

Generates a tiny dataset with the built `silt`, serves it with `silt review`, and in the page:
plays a clip on hover (its currentTime advances), accepts one clip and edits its caption,
rejects another with a reason, opens the detail view (label channels load), reloads and checks
that every decision persisted in the page and in the review file; kills the server with
SIGKILL and checks a new server shows the same; runs `silt manifests --approved-only` and
checks the manifests hold exactly the accepted clip with the edited caption; sends path
traversal attempts and checks they get 4xx. The server is killed whatever happens.

Usage: review_browser_test.py --silt BUILD/bin/silt --work FOLDER [--screenshot PNG]
"""

import argparse
import ctypes
import csv
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

EDITED = 'A chair topples into the sand, "edited", with a comma'
REASON = "the boat passes through the chair"


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def die_with_parent():
    """In the child: SIGKILL when this test dies, even by SIGKILL (a CTest timeout)."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class Server:
    """`silt review` on a free port; killed (SIGKILL) by stop() or on exit."""

    def __init__(self, silt, dataset, reviewer):
        self.proc = subprocess.Popen(
            [silt, "review", dataset, "--port", "0", "--reviewer", reviewer],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            preexec_fn=die_with_parent)
        line = self.proc.stdout.readline()
        check("http://127.0.0.1:" in line, f"silt review did not start: {line!r}")
        self.port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def get(self, path):
        """A raw GET: http.client sends the path as given (no normalisation of .. or %2e)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, body


def wait_for(driver, condition, what, timeout=20):
    try:
        # The grid is re-rendered after every decision: elements found earlier go stale.
        return WebDriverWait(driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=(StaleElementReferenceException, IndexError)).until(
            lambda d: condition(d))
    except Exception as error:
        raise AssertionError(f"timed out waiting for {what}") from error


def card(driver, index):
    return driver.find_elements(By.CSS_SELECTOR, "#grid .card")[index]


def press(driver, keys):
    ActionChains(driver).send_keys(keys).perform()


def answer_modal(driver, text):
    wait_for(driver, lambda d: d.find_element(By.ID, "modal").is_displayed(), "the text prompt")
    box = driver.find_element(By.ID, "modal-input")
    box.clear()
    box.send_keys(text)
    box.send_keys("\n")
    wait_for(driver, lambda d: not d.find_element(By.ID, "modal").is_displayed(), "the prompt to close")


def add_checks(dataset, clip, checks):
    path = os.path.join(dataset, "clips", clip, "clip.json")
    with open(path, encoding="utf-8") as f:
        meta = json.load(f)
    meta["checks"] = checks
    with open(path, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)


def latest_by_clip(review_file):
    with open(review_file, encoding="utf-8") as f:
        decisions = json.load(f)["decisions"]
    latest = {}
    for d in decisions:
        latest[d["clip"]] = d
    return latest


def browser_session(args, server, dataset, clips):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--autoplay-policy=no-user-gesture-required", "--window-size=1280,900",
                 "--mute-audio"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(server.url + "/")
        wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grid .card")) == len(clips),
                 "the grid of clips")

        # Play on hover: the hovered card's video advances.
        video = card(driver, 1).find_element(By.TAG_NAME, "video")
        ActionChains(driver).move_to_element(video).perform()
        wait_for(driver, lambda d: d.execute_script(
            "return arguments[0].readyState >= 2 && arguments[0].currentTime > 0.05 && !arguments[0].paused",
            video), "the hovered clip to play")
        t1 = driver.execute_script("return arguments[0].currentTime", video)
        time.sleep(0.15)
        t2 = driver.execute_script("return arguments[0].currentTime", video)
        played = driver.execute_script(
            "const p = arguments[0].played; let s = 0; for (let i = 0; i < p.length; ++i) s += p.end(i) - p.start(i); return s",
            video)
        check(t2 != t1 and played > 0.05, f"video did not advance: {t1} -> {t2}, played {played}")
        ActionChains(driver).move_to_element(driver.find_element(By.TAG_NAME, "h1")).perform()

        # Keyboard: clip 0 accepted and its caption edited; clip 1 rejected with a reason.
        # The selection starts on the first clip; hovering does not move it.
        press(driver, "a")
        wait_for(driver, lambda d: "accept" in card(d, 0).get_attribute("class"), "clip 0 accepted")
        press(driver, "e")
        answer_modal(driver, EDITED)
        wait_for(driver, lambda d: EDITED in card(d, 0).text, "the edited caption on clip 0")
        check("accept" in card(driver, 0).get_attribute("class"), "editing the caption undid the acceptance")
        press(driver, "n")
        press(driver, "r")
        answer_modal(driver, REASON)
        wait_for(driver, lambda d: "reject" in card(d, 1).get_attribute("class"), "clip 1 rejected")
        check(REASON in card(driver, 1).text, "the reason is not shown on the card")

        # Detail view of the rejected clip: every label channel loads as an image.
        press(driver, "\n")
        wait_for(driver, lambda d: d.find_element(By.ID, "detail").is_displayed(), "the detail view")
        wait_for(driver, lambda d: d.execute_script(
            "const imgs = [...document.querySelectorAll('#labels img')];"
            "return imgs.length === 5 && imgs.every(i => i.complete && i.naturalWidth > 0)"),
            "the five label channels")
        check(REASON in driver.find_element(By.ID, "detail-decision").text, "detail lacks the reason")
        wait_for(driver, lambda d: "clip_index" in d.find_element(By.ID, "detail-json").get_attribute("textContent"),
                 "the clip parameters")
        if args.screenshot:
            driver.save_screenshot(args.screenshot + ".detail.png")
        press(driver, "\ue00c")  # Escape
        wait_for(driver, lambda d: not d.find_element(By.ID, "detail").is_displayed(), "the grid again")

        # Reload: the page shows what the server saved.
        driver.refresh()
        wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grid .card")) == len(clips),
                 "the grid after reload")
        check("accept" in card(driver, 0).get_attribute("class"), "acceptance lost on reload")
        check(EDITED in card(driver, 0).text, "edited caption lost on reload")
        check("reject" in card(driver, 1).get_attribute("class"), "rejection lost on reload")
        check(REASON in card(driver, 1).text, "reason lost on reload")
        check("undecided" in card(driver, 2).text, "clip 2 should be undecided")
        counts = driver.find_element(By.ID, "counts").text
        check("1 accepted" in counts and "1 rejected" in counts, f"counts: {counts}")
        # The review filter shows only the accepted clip.
        driver.execute_script(
            "const s = document.getElementById('filter-review'); s.value = 'accept';"
            "s.dispatchEvent(new Event('change'))")
        wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grid .card")) == 1, "the filter")
        check(clips[0] in card(driver, 0).text, "the review filter shows the wrong clip")
        driver.execute_script(
            "const s = document.getElementById('filter-review'); s.value = '';"
            "s.dispatchEvent(new Event('change'))")
        # The checks filter: clip 2 failed its checks, clip 0 passed them.
        check("checks ✗" in card(driver, 2).text and "checks ✓" in card(driver, 0).text,
              "check status missing on the cards")
        driver.execute_script(
            "const s = document.getElementById('filter-checks'); s.value = 'failed';"
            "s.dispatchEvent(new Event('change'))")
        wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grid .card")) == 1
                 and clips[2] in card(d, 0).text, "the checks filter")
        driver.execute_script(
            "const s = document.getElementById('filter-checks'); s.value = '';"
            "s.dispatchEvent(new Event('change'))")
        wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grid .card")) == len(clips),
                 "all clips again")
        if args.screenshot:
            wait_for(driver, lambda d: d.execute_script(
                "return [...document.querySelectorAll('#grid video')].every(v => v.readyState >= 2)"),
                "the videos to show a frame")
            driver.save_screenshot(args.screenshot)
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--silt", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--screenshot", help="also save screenshots of the page here")
    parser.add_argument("--size", type=int, default=64, help="clip width and height")
    parser.add_argument("--clips", type=int, default=3, help="clips in the dataset (at least 3)")
    parser.add_argument("--scene", default="default", help="template of the dataset")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    dataset = os.path.join(args.work, "dataset")
    subprocess.run([args.silt, "generate", "--scene", args.scene, "--clips", str(args.clips),
                    "--seed", "5", "--frames", "24",
                    "--width", str(args.size), "--height", str(args.size), "--threads", "1",
                    "--clips-per-tar", "2", "-q", "--out", dataset], check=True)
    clips = sorted(os.listdir(os.path.join(dataset, "clips")))
    check(len(clips) == args.clips >= 3, f"expected {args.clips} clips, got {clips}")
    # Automatic check results as clip metadata carries them: passed on clip 0, failed on
    # clip 2, none on the others (the page must tolerate their absence).
    add_checks(dataset, clips[0], {"passed": True, "energy": {"passed": True, "value": 1.02}})
    add_checks(dataset, clips[2], {"passed": False, "interpenetration": {
        "passed": False, "value": 0.031, "threshold": 0.01}})

    # Bad input: one clear error and a non-zero exit, no server.
    for extra, expected in (([os.path.join(args.work, "nowhere")], "not a Silt dataset folder"),
                            ([dataset, "--reviewer", "../evil"], "reviewer name")):
        bad = subprocess.run([args.silt, "review", *extra, "--port", "0"], capture_output=True,
                             text=True, timeout=30)
        check(bad.returncode == 1 and expected in bad.stderr,
              f"silt review {extra}: exit {bad.returncode}, stderr {bad.stderr!r}")
    check(not os.path.exists(os.path.join(dataset, "review")), "a refused start wrote files")

    servers = []
    try:
        server = Server(args.silt, dataset, "tester")
        servers.append(server)
        browser_session(args, server, dataset, clips)

        # The review file: who decided what, and when.
        review_file = os.path.join(dataset, "review", "tester.json")
        latest = latest_by_clip(review_file)
        check(set(latest) == {clips[0], clips[1]}, f"review file clips: {sorted(latest)}")
        check(latest[clips[0]]["decision"] == "accept" and latest[clips[0]]["caption"] == EDITED,
              f"clip 0 in the review file: {latest[clips[0]]}")
        check(latest[clips[1]]["decision"] == "reject" and latest[clips[1]]["reason"] == REASON,
              f"clip 1 in the review file: {latest[clips[1]]}")
        for d in latest.values():
            check(d["reviewer"] == "tester" and d["time"].endswith("Z"), f"who/when missing: {d}")

        # Path traversal and anything outside the clip artefacts: 4xx, never the file.
        secret = os.path.join(args.work, "secret.txt")
        with open(secret, "w") as f:
            f.write("TOP SECRET")
        os.symlink(secret, os.path.join(dataset, "clips", clips[0], "link-out.txt"))
        status, body = server.get(f"/files/clips/{clips[0]}/rgb.mp4")
        check(status == 200 and len(body) > 100, f"a clip video should be served, got {status}")
        attempts = [
            "/files/../secret.txt", "/files/clips/../../secret.txt",
            f"/files/clips/{clips[0]}/../../../secret.txt",
            "/files/%2e%2e/secret.txt", "/files/clips/%2e%2e/%2e%2e/secret.txt",
            f"/files/clips/{clips[0]}/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt",
            "/files/" + secret, "/files//etc/passwd", "/files/%2fetc%2fpasswd", "/etc/passwd",
            "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/files/dataset.json",
            "/files/review/tester.json", "/files/clips", f"/files/clips/{clips[0]}",
            f"/files/clips/{clips[0]}/labels", f"/files/clips/{clips[0]}/link-out.txt",
            f"/api/labels/{clips[0]}/..%2f..%2fsecret/0.png", "/api/clips/..",
        ]
        for path in attempts:
            status, body = server.get(path)
            check(400 <= status < 500, f"{path}: expected 4xx, got {status}")
            check(b"TOP SECRET" not in body and b"root:" not in body, f"{path}: leaked a file")

        # A killed server loses nothing: a new one shows the same decisions.
        server.stop()
        server = Server(args.silt, dataset, "tester")
        servers.append(server)
        with urllib.request.urlopen(server.url + "/api/clips", timeout=10) as response:
            listed = {c["name"]: c for c in json.load(response)["clips"]}
        check(listed[clips[0]]["decision"]["decision"] == "accept", "acceptance lost after SIGKILL")
        check(listed[clips[0]]["caption"] == EDITED, "caption lost after SIGKILL")
        check(listed[clips[1]]["decision"]["reason"] == REASON, "reason lost after SIGKILL")
        check(listed[clips[2]]["decision"] is None, "clip 2 should be undecided")
    finally:
        for s in servers:
            s.stop()
        for s in servers:
            s.proc.stdout.close()
    os.remove(os.path.join(dataset, "clips", clips[0], "link-out.txt"))

    # Approved-only export: exactly the accepted clip, with the edited caption, everywhere.
    subprocess.run([args.silt, "manifests", dataset, "--approved-only", "--clips-per-tar", "2"],
                   check=True, stdout=subprocess.DEVNULL)
    video = f"videos/{clips[0]}.mp4"
    with open(os.path.join(dataset, "videos.txt")) as f:
        check(f.read().splitlines() == [video], "videos.txt")
    with open(os.path.join(dataset, "prompts.txt")) as f:
        check(f.read().splitlines() == [EDITED], "prompts.txt")
    with open(os.path.join(dataset, "videos", "metadata.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    check(rows == [{"file_name": f"{clips[0]}.mp4", "caption": EDITED}], f"metadata.csv: {rows}")
    with open(os.path.join(dataset, "clips.jsonl")) as f:
        lines = [json.loads(line) for line in f]
    check([(l["video_path"], l["caption"]) for l in lines] == [(video, EDITED)], f"clips.jsonl: {lines}")
    with open(os.path.join(dataset, "opensora.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    check([(r["path"], r["text"]) for r in rows] == [(video, EDITED)], f"opensora.csv: {rows}")
    with open(os.path.join(dataset, "dataset.json")) as f:
        card = json.load(f)
    check([c["name"] for c in card["clips"]] == [clips[0]], f"card clips: {card['clips']}")
    check(card["review"]["approved_only"] is True, "card lacks review.approved_only")
    check(sorted(os.listdir(os.path.join(dataset, "videos"))) == sorted([f"{clips[0]}.mp4", "metadata.csv"]),
          "videos/ should hold only the accepted clip")
    subprocess.run([args.silt, "validate", dataset], check=True, stdout=subprocess.DEVNULL)
    print("review browser test: passed")


if __name__ == "__main__":
    started = time.monotonic()
    try:
        main()
    except Exception as error:  # one clear line, then the traceback
        print(f"review browser test FAILED: {error}", file=sys.stderr)
        raise
    finally:
        print(f"review browser test: {time.monotonic() - started:.1f} s")
