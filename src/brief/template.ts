import { TIMES_OF_DAY, WORLDS } from '../schemas/brief.js'

/**
 * The brief.md that `longav init` writes: every field present or shown in a comment, with the
 * allowed values spelled out. It must itself parse (tests hold it to that).
 */
export function briefTemplate(): string {
  return `---
# brief.md: what the video is about. YAML between the two '---' lines, free Markdown after.
# Only title and concept are required; everything else can be deleted.

# Song title, shown in reports.
title: My Song
# Optional: who made it.
artist: The Band
# One or two sentences: what the video is about. Agents build the whole treatment from this.
concept: A singer walks through a city at night until the chorus lifts everything into light.
# Optional: look and feel (film stock, colour, references).
style: grainy 16mm, warm highlights, deep blue shadows

# People (or creatures) who recur across shots. Describe their look concretely: hair, clothes,
# accessories (hat, scarf, glasses, headphones, guitar), colours. That keeps them recognisable.
characters:
  - name: Singer                      # unique among characters
    description: a woman with short black hair, a long red scarf and a grey coat
    palette: ["#c8102e", "#2b2b2b"]   # optional: 1 to 6 colours like "#1a2b3c"
    locations: [Street]               # optional: names of locations below where they appear
    sections: [verse, chorus]         # optional: section labels, or 0-based section numbers

# Places. world picks the procedural renderer's scene; other generators read the description.
#   world: one of ${WORLDS.join(', ')}
#   timeOfDay: one of ${TIMES_OF_DAY.join(', ')}
locations:
  - name: Street                      # unique among locations
    description: a wet city street with neon signs reflected in puddles
    world: skyline                    # optional
    timeOfDay: night                  # optional
    palette: ["#0b1e3f", "#ff3e9d"]   # optional
    sections: [intro, verse]          # optional

# Optional lyrics, any of three forms:
#  1. LRC: "[mm:ss.xx] text" per line; several timestamps on one line repeat it;
#     tags like [ar:Artist] [ti:Title] are ignored, [offset:+250] shifts every line 250 ms earlier.
#  2. Plain lines without times (shown in order, not timed).
#  3. A list:  - { time: "0:12.5", text: "first line" }   (time as m:ss.xx or seconds)
lyrics: |
  [ti:My Song]
  [00:08.00] Lights come up along the avenue
  [00:16.00] Every window hums the same old tune
  [00:24.00][00:56.00] Lift me up tonight

# Optional: your own clips and stills, relative to this file's folder (they must stay inside it).
# A bare path, or path plus tags the planner can match against shots:
#   assets:
#     - clips/crowd.mp4
#     - { path: stills/poster.png, tags: [chorus, logo] }
assets: []

# Output video: "1920x1080", "1920x1080@24", or a mapping. Missing parts default to 1280x720 at 30 fps.
# width and height are even numbers (64..7680 by 64..4320); fps is an integer from 1 to 120.
output:
  width: 1280
  height: 720
  fps: 30

# Optional: how the lyric captions look (any subset; shown here with the defaults).
# A line too long for the frame is set smaller, then split over its time: no word is ever cut.
# captionStyle:
#   weight: bold              # normal | bold
#   position: bottom          # bottom | top | center (inside the safe area of the frame's aspect)
#   box: none                 # none (outlined text) | box (dark box behind) | band (dark band across)
#   size: 1                   # 0.5 to 2, against the default size

# Optional: how strict the verifier is (any subset; shots below a threshold are regenerated).
# verifier:
#   minPlaceIdentity: 0.8       # similarity of a place to its reference keyframes
#   minCharacterIdentity: 0.6   # of a character to its references in the same place
#   minTemporalConsistency: 0.6 # similarity of consecutive frames
#   maxFlicker: 0.05
#   maxFrozenSec: 1.0
#   maxBeatAlignmentDeficit: 0.2

# Optional: what makes the pictures (the --generator flag wins). procedural needs nothing;
# footage cuts the assets above to the beat (tag them with the characters, places and moods
# they show); onnx runs a diffusion model from models/<model>/; comfyui asks a ComfyUI server.
# generator: procedural
# onnx: { model: sd-turbo, steps: 4, guidance: 1, strength: 0.35, cadence: 2 }
# comfyui: { url: "http://127.0.0.1:8188", workflow: txt2img-batch }
# shots:                      # per-shot overrides; the first that matches wins
#   - { sections: [chorus], generator: footage }
#   - { from: 60, to: 75, generator: comfyui }
---

# Notes

Anything below the front matter is free Markdown: creative notes for the director.
Moods, references, shots you must have, things to avoid.
`
}
