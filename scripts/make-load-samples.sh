#!/usr/bin/env bash
# Makes the media samples of the load generator (src/loadgen/samples/): the same 3 s synthetic clip
# as VP8 in IVF for the three simulcast layers (a keyframe every second, at roughly the bitrates a
# browser gives them), and a 440 Hz tone as 20 ms Opus packets in Ogg. Run once, by hand; the files
# are committed, so `npm run load` never needs ffmpeg. Needs ffmpeg with libvpx and libopus
# (Debian: apt-get install -y ffmpeg).
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/loadgen/samples
mkdir -p "$out"
# bitexact: no encoder version strings, so re-running on another ffmpeg changes as little as possible.
exact=(-fflags +bitexact -flags +bitexact)

# 90 frames at 30 fps with keyframes at 0, 30 and 60, so the loop starts on a keyframe and the
# RTP timestamps run on evenly. Real-time settings as in a browser: no alt-ref, no look-ahead.
for layer in "320x180 120k" "640x360 450k" "1280x720 1300k"; do
  read -r size rate <<<"$layer"
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=3" \
    -vf "scale=$size" -c:v libvpx -b:v "$rate" -minrate "$rate" -maxrate "$rate" -bufsize "$rate" \
    -g 30 -keyint_min 30 -auto-alt-ref 0 -lag-in-frames 0 -deadline realtime -cpu-used 8 \
    -error-resilient 1 "${exact[@]}" "$out/camera-$size.ivf"
done

ffmpeg -hide_banner -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=3" \
  -c:a libopus -b:a 32k -frame_duration 20 -application voip -ac 1 "${exact[@]}" "$out/microphone.ogg"

ls -l "$out"
