#!/usr/bin/env python3
"""Reads a Silt dataset folder the way trainers do, with Python's own csv, json and tarfile
modules (an implementation independent of Silt's), and prints what it found as one JSON
object. The C++ tests compare that against what they wrote.

Usage: read_dataset.py DATASET_DIR
"""
import csv
import hashlib
import json
import os
import sys
import tarfile

VIDEO_EXTENSIONS = {".mp4", ".mkv", ".avi", ".mov", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv",
                    ".flv", ".ogv", ".ts", ".3gp", ".gif"}


def sha(data):
    return hashlib.sha256(data).hexdigest()


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def main(root):
    out = {}
    # Hugging Face videofolder: metadata.csv in the data_dir, file_name relative to it.
    video_dir = os.path.join(root, "videos")
    with open(os.path.join(video_dir, "metadata.csv"), newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        out["videofolder_header"] = reader.fieldnames
        out["videofolder"] = [
            {"file_name": row["file_name"], "caption": row["caption"],
             "exists": os.path.isfile(os.path.join(video_dir, row["file_name"])),
             "sha": sha(read_bytes(os.path.join(video_dir, row["file_name"])))
             if os.path.isfile(os.path.join(video_dir, row["file_name"])) else ""}
            for row in reader]
    # What a videofolder loader scanning videos/ would take for videos.
    found = []
    for dirpath, _, files in os.walk(video_dir):
        for name in files:
            if os.path.splitext(name)[1].lower() in VIDEO_EXTENSIONS:
                found.append(os.path.relpath(os.path.join(dirpath, name), video_dir))
    out["videofolder_scan"] = sorted(found)

    # CogVideoX / finetrainers two-file format: paths relative to the dataset folder.
    with open(os.path.join(root, "videos.txt"), encoding="utf-8") as f:
        out["videos_txt"] = [line.rstrip("\n") for line in f]
    with open(os.path.join(root, "prompts.txt"), encoding="utf-8") as f:
        out["prompts_txt"] = [line.rstrip("\n") for line in f]
    out["videos_txt_exist"] = all(os.path.isfile(os.path.join(root, p)) for p in out["videos_txt"])

    # Open-Sora CSV.
    with open(os.path.join(root, "opensora.csv"), newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        out["opensora_header"] = reader.fieldnames
        out["opensora"] = [
            {"path": r["path"], "text": r["text"], "num_frames": int(r["num_frames"]),
             "height": int(r["height"]), "width": int(r["width"]),
             "aspect_ratio": float(r["aspect_ratio"]), "resolution": int(r["resolution"]),
             "fps": float(r["fps"]), "exists": os.path.isfile(os.path.join(root, r["path"]))}
            for r in reader]

    # LTX-Video trainer / musubi-tuner JSONL.
    with open(os.path.join(root, "clips.jsonl"), encoding="utf-8") as f:
        out["jsonl"] = [json.loads(line) for line in f if line.strip()]

    # WebDataset shards, grouped by key the way webdataset does (prefix before the first dot).
    with open(os.path.join(root, "shards", "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    out["shard_index"] = [{"url": s["url"], "nsamples": s["nsamples"]} for s in index["shardlist"]]
    samples = []
    for shard in index["shardlist"]:
        with tarfile.open(os.path.join(root, "shards", shard["url"])) as tar:
            members = tar.getmembers()
            names = [m.name for m in members]
            current = None
            for m in members:
                key, ext = m.name.split(".", 1)
                if current is None or current["key"] != key:
                    current = {"key": key, "shard": shard["url"], "exts": []}
                    samples.append(current)
                current["exts"].append(ext)
                data = tar.extractfile(m).read()
                current[ext] = data.decode("utf-8") if ext == "txt" else sha(data)
                current.setdefault("meta", []).append([m.mtime, m.uid, m.gid, m.uname, m.gname, m.mode])
            out.setdefault("shard_sorted", []).append(names == sorted(names))
    out["samples"] = samples

    # The clips themselves, for the comparison.
    clips = {}
    for name in sorted(os.listdir(os.path.join(root, "clips"))):
        clip_dir = os.path.join(root, "clips", name)
        clips[name] = {"json": sha(read_bytes(os.path.join(clip_dir, "clip.json"))),
                       "mp4": sha(read_bytes(os.path.join(clip_dir, "rgb.mp4")))}
    out["clips"] = clips
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
