#!/usr/bin/env bash
# Every chapter inside Colab's public runtime image, with this machine's GPUs
# (.github/workflows/colab.yml runs it on the GPU runner):
#
#   bash tools/colab_image.sh [CHAPTER.ipynb ...]
#
# The chapters' install cells install densenet_lib from GitHub as a reader's
# Colab does, at the commit checked out here; Colab's own kernel launcher
# (which imports google.colab) runs them (tools/colab_run.py). Writes
# _build/book-run-report.md; exits non-zero if a chapter failed.
set -euo pipefail
cd "$(dirname "$0")/.."

image=${COLAB_IMAGE:-us-docker.pkg.dev/colab-images/public/runtime}
repository=${GITHUB_REPOSITORY:-densenet-book/densenet-from-residuals}
url="git+${GITHUB_SERVER_URL:-https://github.com}/${repository}@$(git rev-parse HEAD)"

docker pull --quiet "$image"
docker run --rm --entrypoint sh "$image" -c \
  'python3 --version; python3 -m pip list 2>/dev/null |
   grep -iE "^(tensorflow|keras|numpy|ipywidgets|matplotlib|scikit-learn|ipykernel) " || true'

status=0
docker run --rm --gpus all --entrypoint python3 \
  --volume "$PWD:/content/book" --workdir /content/book \
  --env DENSENET_PROFILE="${DENSENET_PROFILE:-full}" --env TF_CPP_MIN_LOG_LEVEL=3 \
  "$image" -m tools.colab_run --url "$url" --profile "${DENSENET_PROFILE:-full}" \
  "$@" || status=$?

# The container ran as root: give what it wrote back to this user.
docker run --rm --entrypoint chown --volume "$PWD:/content/book" "$image" \
  -R "$(id -u):$(id -g)" /content/book/_build || true
exit "$status"
