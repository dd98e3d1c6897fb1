/* The growth-rate explorer of "DenseNet, from residuals up", in the browser.
 *
 * A port of densenet_lib/plan.py's arithmetic and memory.py's feature-map
 * counts (and of the checks of config.py's DenseNetConfig that the explorer
 * can hit), so the rendered book recomputes a DenseNet's channel plan with no
 * Python kernel. The tests run this file with node over a grid of
 * configurations and check that every number equals channel_plan's and
 * network_elements'; keep the two in step.
 *
 * Exports (module.exports under node, window.DenseNetExplorer in a page):
 *   compressedChannels, spatialAfterStem, minInputSize, checkConfig,
 *   channelPlan, networkElements, explorerConfig, view, clampSettings, mount.
 * No dependencies, no network: densenet_lib/explorer.py inlines this file in
 * one HTML output. It must not contain a closing script tag.
 */
(function (global) {
  "use strict";

  var EPSILON = 1e-9; // config.compressed_channels: floor(c * theta + 1e-9)

  function isInt(v) {
    return typeof v === "number" && isFinite(v) && Math.floor(v) === v;
  }

  /** Transition output channels: floor(theta * c) (paper: ⌊θm⌋). */
  function compressedChannels(channels, compression) {
    return Math.floor(channels * compression + EPSILON);
  }

  /** Feature-map size after the stem: ImageNet pad 3 + 7x7/2 conv, pad 1 + 3x3/2 max pool; CIFAR keeps it. */
  function spatialAfterStem(size, stem) {
    if (size === null || size === undefined || stem === "cifar") return size === undefined ? null : size;
    var afterConv = Math.floor((size + 6 - 7) / 2) + 1;
    return Math.floor((afterConv + 2 - 3) / 2) + 1;
  }

  /** Smallest height/width that survives the stem and numBlocks - 1 2x2 poolings. */
  function minInputSize(stem, numBlocks) {
    for (var size = 1; ; size++) {
      var h = spatialAfterStem(size, stem);
      for (var i = 0; i < numBlocks - 1; i++) h = Math.floor(h / 2);
      if (h >= 1) return size;
    }
  }

  function fail(message) {
    var error = new Error(message);
    error.name = "ValueError";
    throw error;
  }

  function checkInt(name, value, minimum) {
    if (!isInt(value) || value < minimum) fail(name + " must be an integer >= " + minimum + ", got " + value);
    return value;
  }

  /** DenseNetConfig's checks, on a config object; returns it completed (stem_channels, input_shape). */
  function checkConfig(cfg) {
    var c = {
      blocks: cfg.blocks, growth_rate: cfg.growth_rate,
      init_channels: cfg.init_channels === undefined ? null : cfg.init_channels,
      bottleneck: cfg.bottleneck === undefined ? true : cfg.bottleneck,
      compression: cfg.compression === undefined ? 0.5 : cfg.compression,
      stem: cfg.stem || "imagenet",
      include_top: cfg.include_top === undefined ? true : cfg.include_top,
      pooling: cfg.pooling === undefined ? null : cfg.pooling,
      classes: cfg.classes === undefined ? 1000 : cfg.classes,
      input_shape: cfg.input_shape
    };
    if (!Array.isArray(c.blocks) || c.blocks.length === 0 ||
        !c.blocks.every(function (b) { return isInt(b) && b >= 1; })) {
      fail("blocks must be a non-empty list of integers >= 1 (layers per dense block), got " + JSON.stringify(c.blocks));
    }
    checkInt("growth_rate", c.growth_rate, 1);
    if (c.init_channels !== null) checkInt("init_channels", c.init_channels, 1);
    c.stem_channels = c.init_channels || 2 * c.growth_rate;
    if (typeof c.bottleneck !== "boolean") fail("bottleneck must be True or False, got " + c.bottleneck);
    if (typeof c.compression !== "number" || !(c.compression > 0 && c.compression <= 1)) {
      fail("compression must be a number in (0, 1], got " + c.compression);
    }
    if (c.stem !== "imagenet" && c.stem !== "cifar") fail("stem must be one of ['imagenet', 'cifar'], got " + c.stem);
    if ([null, "avg", "max"].indexOf(c.pooling) < 0) fail("pooling must be one of [None, 'avg', 'max'], got " + c.pooling);
    checkInt("classes", c.classes, 1);
    if (!c.input_shape) {
      var d = c.stem === "imagenet" ? 224 : 32;
      c.input_shape = c.include_top ? [d, d, 3] : [null, null, 3];
    }
    var smallest = minInputSize(c.stem, c.blocks.length);
    for (var a = 0; a < 2; a++) {
      var size = c.input_shape[a];
      if (size !== null && (!isInt(size) || size < 1)) fail("input_shape " + (a ? "width" : "height") + " must be None or an integer >= 1");
      if (size !== null && size < smallest) {
        fail("input_shape " + (a ? "width" : "height") + " " + size + " is too small: the " + c.stem +
             " stem and " + (c.blocks.length - 1) + " transition(s) need at least " + smallest + " pixels");
      }
    }
    checkInt("input_shape channels", c.input_shape[2], 1);
    var channels = c.stem_channels;
    for (var i = 0; i < c.blocks.length - 1; i++) {
      channels = compressedChannels(channels + c.blocks[i] * c.growth_rate, c.compression);
      if (channels < 1) {
        fail("compression " + c.compression + " leaves 0 channels after dense block " + (i + 1) +
             "; use a larger compression in (0, 1]");
      }
    }
    return c;
  }

  function bn(channels) { return [4 * channels, 2 * channels]; } // gamma, beta + moving mean, variance
  function area(h, w) { return h === null || w === null ? null : h * w; }
  function times(a, perPixel) { return a === null ? null : a * perPixel; }
  function row(name, kind, block, cin, cout, h, w, params, fixed, macs) {
    return { name: name, kind: kind, block: block, channels_in: cin, channels_out: cout,
             height: h, width: w, params: params, non_trainable: fixed, macs: macs };
  }

  /** plan.channel_plan: every row (stem, dense layers, transitions, head) and the totals. */
  function channelPlan(config) {
    var cfg = checkConfig(config);
    var k = cfg.growth_rate, height = cfg.input_shape[0], width = cfg.input_shape[1], cIn = cfg.input_shape[2];
    var rows = [], c = cfg.stem_channels, params, fixed, macs, name, b;
    if (cfg.stem === "imagenet") {
      var convH = height === null ? null : Math.floor((height - 1) / 2) + 1;
      var convW = width === null ? null : Math.floor((width - 1) / 2) + 1;
      b = bn(c);
      params = 49 * cIn * c + b[0]; fixed = b[1];
      macs = times(area(convH, convW), 49 * cIn * c);
      name = "pool1";
    } else {
      params = 9 * cIn * c; fixed = 0;
      macs = times(area(height, width), 9 * cIn * c);
      name = "conv1_conv";
    }
    height = spatialAfterStem(height, cfg.stem); width = spatialAfterStem(width, cfg.stem);
    rows.push(row(name, "stem", null, cIn, c, height, width, params, fixed, macs));

    var last = cfg.blocks.length - 1;
    for (var i = 0; i < cfg.blocks.length; i++) {
      var stage = i + 2, a = area(height, width), weights;
      for (var j = 0; j < cfg.blocks[i]; j++) {
        b = bn(c);
        if (cfg.bottleneck) {
          var b2 = bn(4 * k);
          weights = c * 4 * k + 9 * 4 * k * k;
          params = b[0] + b2[0] + weights; fixed = b[1] + b2[1];
        } else {
          weights = 9 * c * k;
          params = b[0] + weights; fixed = b[1];
        }
        rows.push(row("conv" + stage + "_block" + (j + 1) + "_concat", "dense_layer", i + 1,
                      c, c + k, height, width, params, fixed, times(a, weights)));
        c += k;
      }
      if (i < last) {
        var cOut = compressedChannels(c, cfg.compression);
        b = bn(c);
        macs = times(a, c * cOut);
        height = height === null ? null : Math.floor(height / 2);
        width = width === null ? null : Math.floor(width / 2);
        rows.push(row("pool" + stage + "_pool", "transition", i + 1, c, cOut, height, width,
                      b[0] + c * cOut, b[1], macs));
        c = cOut;
      }
    }
    b = bn(c);
    var outC, outH, outW;
    if (cfg.include_top) {
      name = "predictions"; outC = cfg.classes; outH = 1; outW = 1;
      params = b[0] + c * cfg.classes + cfg.classes; macs = c * cfg.classes;
    } else {
      name = { avg: "avg_pool", max: "max_pool" }[cfg.pooling] || "relu";
      outC = c; params = b[0]; macs = 0;
      outH = cfg.pooling ? 1 : height; outW = cfg.pooling ? 1 : width;
    }
    rows.push(row(name, "head", null, c, outC, outH, outW, params, b[1], macs));

    var total = 0, nonTrainable = 0, allMacs = 0;
    rows.forEach(function (r) {
      total += r.params; nonTrainable += r.non_trainable;
      allMacs = allMacs === null || r.macs === null ? null : allMacs + r.macs;
    });
    return { config: cfg, rows: rows, params: total, non_trainable: nonTrainable,
             trainable: total - nonTrainable, macs: allMacs };
  }

  // ---- feature-map elements per image (memory.py: dense_block_elements, network_elements) ----
  // The explorer's configs have no dropout, so neither has this port.

  /** memory.dense_block_elements: every layer output of one Dense Block, naive ("all_outputs") or memory-efficient. */
  function denseBlockElements(L, k, k0, a, bottleneck, memoryEfficient) {
    // 3x3 conv; Conv1x1 at 4k, and in the naive layer its BN and ReLU at 4k each
    var newFeatures = L * (k + (bottleneck ? (memoryEfficient ? 4 : 12) * k : 0));
    var sharedBuffer = k0 + k * L;
    if (memoryEfficient) return (newFeatures + sharedBuffer) * a;
    var concatenations = L * k0 + k * L * (L + 1) / 2, inputs = L * k0 + k * L * (L - 1) / 2;
    return (concatenations + 2 * inputs + newFeatures) * a;
  }

  /** memory._stem_elements: ImageNet pad 3, conv + BN + ReLU, pad 1, max pool; CIFAR one conv. */
  function stemElements(cfg, stem) {
    var H = cfg.input_shape[0], W = cfg.input_shape[1], C = cfg.input_shape[2], c = stem.channels_out;
    if (cfg.stem === "cifar") return H * W * c;
    var h1 = Math.floor((H - 1) / 2) + 1, w1 = Math.floor((W - 1) / 2) + 1;
    return (H + 6) * (W + 6) * C + (3 * h1 * w1 + (h1 + 2) * (w1 + 2)) * c + stem.height * stem.width * c;
  }

  /** memory.network_elements: feature-map elements of one image, every layer output; null for an unknown size. */
  function networkElements(plan, memoryEfficient) {
    var cfg = plan.config, rows = plan.rows, total = 0;
    if (cfg.input_shape[0] === null || cfg.input_shape[1] === null) return null;
    rows.forEach(function (r, i) {
      var before = rows[i - 1];
      if (r.kind === "stem") {
        total += stemElements(cfg, r);
      } else if (r.kind === "dense_layer") {
        if (before.kind !== "dense_layer") { // the block's first layer: the whole block
          total += denseBlockElements(cfg.blocks[r.block - 1], cfg.growth_rate, r.channels_in, r.height * r.width,
                                      cfg.bottleneck, memoryEfficient);
        }
      } else if (r.kind === "transition") { // BN, ReLU, 1x1 conv on the block's maps; the pool
        total += (2 * r.channels_in + r.channels_out) * before.height * before.width +
                 r.channels_out * r.height * r.width;
      } else { // head: BN, ReLU; the global pool and the classifier
        total += 2 * r.channels_in * before.height * before.width +
                 (cfg.include_top || cfg.pooling ? r.channels_in : 0) + (cfg.include_top ? cfg.classes : 0);
      }
    });
    return total;
  }

  // ---- explorer settings (explorer.py: LIMITS, explorer_config, explorer_view) ----

  function checkRange(name, value, low, high, what) {
    if (!(value >= low && value <= high)) {
      fail(name + " must be " + (what || "an integer") + " in [" + low + ", " + high + "] in the explorer, got " + value);
    }
  }

  /** explorer.explorer_config: settings -> a checked config (square RGB input, with classifier). */
  function explorerConfig(s, limits) {
    checkRange("growth_rate", checkInt("growth_rate", s.growth_rate, 1), limits.growth_rate[0], limits.growth_rate[1]);
    if (Array.isArray(s.blocks) && s.blocks.length && s.blocks.every(isInt)) {
      checkRange("number of blocks (len(blocks))", s.blocks.length, limits.num_blocks[0], limits.num_blocks[1]);
      s.blocks.forEach(function (b) {
        checkRange("blocks (layers per Dense Block)", b, limits.layers_per_block[0], limits.layers_per_block[1], "integers");
      });
    }
    if (s.init_channels !== null) {
      checkRange("init_channels", checkInt("init_channels", s.init_channels, 1), limits.init_channels[0], limits.init_channels[1]);
    }
    if (typeof s.compression === "number") {
      checkRange("compression", s.compression, limits.compression[0], limits.compression[1], "a number");
    }
    checkInt("input_size", s.input_size, 1);
    if (s.stem !== "imagenet" && s.stem !== "cifar") fail("stem must be one of ['imagenet', 'cifar'], got " + s.stem);
    if (Array.isArray(s.blocks)) {
      checkRange("input_size", s.input_size, Math.max(minInputSize(s.stem, Math.max(s.blocks.length, 1)),
                 limits.input_size[0]), limits.input_size[1]);
    }
    checkRange("classes", checkInt("classes", s.classes, 1), limits.classes[0], limits.classes[1]);
    return checkConfig({
      blocks: s.blocks, growth_rate: s.growth_rate, init_channels: s.init_channels,
      bottleneck: s.bottleneck, compression: s.compression, stem: s.stem, include_top: true,
      classes: s.classes, input_shape: [s.input_size, s.input_size, 3]
    });
  }

  function sizeText(r) { return r.height === null ? null : r.height + "x" + r.width; }

  /** explorer.explorer_view: what the explorer shows for a plan and Dense Block `block`. */
  function view(plan, block) {
    var cfg = plan.config, boundaries = [], layers = [], k0 = null;
    if (!isInt(block) || block < 1 || block > cfg.blocks.length) {
      fail("block must be in [1, " + cfg.blocks.length + "] (the Dense Blocks), got " + block);
    }
    var blockInput = {};
    plan.rows.forEach(function (r) {
      if (r.kind === "dense_layer" && !(r.block in blockInput)) blockInput[r.block] = r.channels_in;
      if (r.kind === "dense_layer" && r.block === block) layers.push(r.channels_out);
      var b = { kind: r.kind, name: r.name, channels_in: r.channels_in, channels_out: r.channels_out, size: sizeText(r) };
      if (r.kind === "stem") {
        b.what = cfg.stem === "imagenet" ? "stem: 7x7/2 conv + 3x3/2 max pool" : "stem: 3x3 conv";
      } else if (r.kind === "transition") {
        b.what = "transition " + r.block + ": 1x1 conv + 2x2 avg pool";
      } else if (r.kind === "head") {
        b.what = "classifier: global avg pool + dense(" + cfg.classes + ")";
      } else if (r.name === "conv" + (r.block + 1) + "_block" + cfg.blocks[r.block - 1] + "_concat") {
        b.kind = "block";
        var n = cfg.blocks[r.block - 1];
        b.what = "Dense Block " + r.block + ": " + n + (n === 1 ? " layer" : " layers");
        b.channels_in = blockInput[r.block];
      } else {
        return;
      }
      boundaries.push({ kind: b.kind, what: b.what, name: b.name, channels_in: b.channels_in,
                        channels_out: b.channels_out, size: b.size });
    });
    k0 = blockInput[block];
    var naive = networkElements(plan, false), efficient = networkElements(plan, true);
    return { block: block, growth_rate: cfg.growth_rate, k0: k0, layers: layers, boundaries: boundaries,
             params: plan.params, trainable: plan.trainable, non_trainable: plan.non_trainable, macs: plan.macs,
             elements_naive: naive, elements_memory_efficient: efficient, elements_ratio: naive / efficient };
  }

  // ---- typed input: clamp or refuse, with a message (explorer.clamp_settings) ----

  function parseIntStrict(v) {
    if (typeof v === "boolean" || v === null || v === undefined) return null;
    if (typeof v === "number") return isInt(v) ? v : null;
    var s = String(v);
    return /^\s*[+-]?\d+\s*$/.test(s) ? parseInt(s, 10) : null;
  }

  function parseFloatStrict(v) {
    if (typeof v === "boolean" || v === null || v === undefined) return null;
    var s = String(v).trim();
    if (s === "") return null;
    var x = Number(s);
    return isFinite(x) ? x : null;
  }

  function fmt(v) { return String(v); }

  function copySettings(s) {
    var out = {};
    Object.keys(s).forEach(function (key) { out[key] = Array.isArray(s[key]) ? s[key].slice() : s[key]; });
    return out;
  }

  /** Typed values -> {settings, messages}: out of range is clamped, non-numbers refused (previous kept). */
  function clampSettings(raw, previous, limits) {
    var out = copySettings(previous), messages = [];
    function clamp(label, value, low, high) {
      if (value < low || value > high) {
        var fixed = Math.min(Math.max(value, low), high);
        messages.push(label + ": " + fmt(value) + " is outside " + fmt(low) + "–" + fmt(high) + "; using " + fmt(fixed) + ".");
        return fixed;
      }
      return value;
    }
    function refuse(label, text, kept, what) {
      messages.push(label + ": '" + String(text).trim() + "' is not " + (what || "a whole number") + "; kept " + kept + ".");
    }
    var has = function (key) { return Object.prototype.hasOwnProperty.call(raw, key); };
    var v;
    if (has("growth_rate")) {
      v = parseIntStrict(raw.growth_rate);
      if (v === null) refuse("growth rate k", raw.growth_rate, previous.growth_rate);
      else out.growth_rate = clamp("growth rate k", v, limits.growth_rate[0], limits.growth_rate[1]);
    }
    if (has("compression")) {
      v = parseFloatStrict(raw.compression);
      if (v === null) refuse("compression θ", raw.compression, fmt(previous.compression), "a number");
      else out.compression = clamp("compression θ", v, limits.compression[0], limits.compression[1]);
    }
    if (has("blocks")) {
      var text = raw.blocks;
      var parts = (Array.isArray(text) ? text.map(String) : String(text).trim().split(/[,\s]+/))
        .filter(function (p) { return p !== ""; });
      var values = parts.map(parseIntStrict);
      var kept = previous.blocks.join(", ");
      if (!values.length || values.indexOf(null) >= 0) {
        messages.push("blocks: '" + String(text).trim() + "' is not a list of whole numbers " +
                      "(layers per Dense Block, e.g. 6, 12, 24, 16); kept " + kept + ".");
      } else if (values.length > limits.num_blocks[1]) {
        messages.push("blocks: " + values.length + " Dense Blocks is more than " + limits.num_blocks[1] + "; kept " + kept + ".");
      } else {
        out.blocks = values.map(function (b, i) {
          return clamp("layers in Dense Block " + (i + 1), b, limits.layers_per_block[0], limits.layers_per_block[1]);
        });
      }
    }
    if (has("bottleneck")) out.bottleneck = !!raw.bottleneck;
    if (has("stem") && (raw.stem === "imagenet" || raw.stem === "cifar")) out.stem = raw.stem;
    if (has("init_channels")) {
      var t = raw.init_channels;
      if (t === null || t === undefined || ["", "2k"].indexOf(String(t).trim().toLowerCase()) >= 0) {
        out.init_channels = null;
      } else {
        v = parseIntStrict(t);
        if (v === null) refuse("initial channels", t, previous.init_channels === null ? "2k" : previous.init_channels);
        else out.init_channels = clamp("initial channels", v, limits.init_channels[0], limits.init_channels[1]);
      }
    }
    if (has("input_size")) {
      v = parseIntStrict(raw.input_size);
      if (v === null) refuse("input size", raw.input_size, previous.input_size);
      else out.input_size = v;
    }
    if (has("classes")) {
      v = parseIntStrict(raw.classes);
      if (v === null) refuse("classes", raw.classes, previous.classes);
      else out.classes = clamp("classes", v, limits.classes[0], limits.classes[1]);
    }
    var low = Math.max(limits.input_size[0], minInputSize(out.stem, out.blocks.length));
    out.input_size = clamp("input size", out.input_size, low, limits.input_size[1]);
    try {
      explorerConfig(out, limits);
    } catch (error) {
      return { settings: copySettings(previous), messages: messages.concat(["refused: " + error.message]) };
    }
    return { settings: out, messages: messages };
  }

  // ---- the page: controls, SVG chart and diagram, table, totals ----

  function thousands(n) {
    var s = String(Math.abs(n)), out = "";
    while (s.length > 3) { out = "," + s.slice(-3) + out; s = s.slice(0, -3); }
    return (n < 0 ? "-" : "") + s + out;
  }

  function human(n) {
    var units = [["G", 1e9], ["M", 1e6], ["k", 1e3]];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(n) >= units[i][1]) return (n / units[i][1]).toFixed(2) + " " + units[i][0];
    }
    return String(n);
  }

  var SVG = "http://www.w3.org/2000/svg";
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

  function el(tag, attrs, children) {
    var node = tag.indexOf("svg:") === 0 ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  var CSS = [
    ".densenet-explorer{border:1px solid rgba(127,127,127,.45);border-radius:6px;padding:10px 12px;margin:1em 0;font-size:14px;line-height:1.4}",
    ".densenet-explorer .dnx-head{font-weight:600;margin-bottom:6px}",
    ".densenet-explorer .dnx-controls{display:grid;grid-template-columns:repeat(auto-fill,minmax(290px,1fr));gap:4px 18px}",
    ".densenet-explorer .dnx-control{display:flex;align-items:center;gap:6px;min-width:0}",
    ".densenet-explorer .dnx-control>label{flex:0 0 118px}",
    ".densenet-explorer .dnx-control>select{flex:1 1 auto;min-width:0;max-width:100%}",
    ".densenet-explorer input[type=range]{flex:1 1 auto;min-width:80px}",
    ".densenet-explorer input[type=number]{width:5.5em}",
    ".densenet-explorer input[type=text]{flex:1 1 auto;min-width:6em}",
    ".densenet-explorer input,.densenet-explorer select{font-size:13px}",
    ".densenet-explorer .dnx-message{color:#b00020;min-height:1.2em;margin:6px 0;white-space:pre-line}",
    ".densenet-explorer .dnx-message:empty{display:none}",
    ".densenet-explorer.dnx-stale .dnx-results{opacity:.45}",
    ".densenet-explorer .dnx-totals{margin:4px 0}",
    ".densenet-explorer svg{max-width:100%;height:auto;display:block}",
    ".densenet-explorer svg text{font-family:sans-serif;fill:currentColor}",
    ".densenet-explorer table{border-collapse:collapse;margin-top:6px;font-size:13px}",
    ".densenet-explorer th,.densenet-explorer td{border-bottom:1px solid rgba(127,127,127,.35);padding:2px 8px;text-align:right}",
    ".densenet-explorer th:first-child,.densenet-explorer td:first-child,.densenet-explorer th:nth-child(2),.densenet-explorer td:nth-child(2){text-align:left}",
    ".densenet-explorer tr[data-kind=block] td{font-weight:600}"
  ].join("\n");

  function barChart(v, transition) {
    var values = [v.k0].concat(v.layers), labels = ["in"];
    for (var i = 1; i <= v.layers.length; i++) labels.push(String(i));
    if (transition) { values.push(transition.channels_out); labels.push("T"); }
    var W = 640, H = 230, left = 48, right = 10, top = 28, bottom = 34;
    var max = Math.max.apply(null, values), n = values.length;
    var slot = (W - left - right) / n, barW = Math.min(56, Math.max(1, slot * 0.8));
    var svg = el("svg:svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img",
                              "data-role": "chart", "aria-label": "channels after each layer" });
    var title = "Dense Block " + v.block + ": k0 = " + v.k0 + ", k = " + v.growth_rate + " → " +
                v.layers[v.layers.length - 1] + " channels";
    if (transition) title += "; transition ⌊θ·" + transition.channels_in + "⌋ = " + transition.channels_out;
    svg.appendChild(el("svg:text", { x: W / 2, y: 16, "text-anchor": "middle", "font-size": 13, text: title }));
    var plotH = H - top - bottom;
    [0, 0.5, 1].forEach(function (f) {
      var y = top + plotH * (1 - f);
      svg.appendChild(el("svg:line", { x1: left, x2: W - right, y1: y, y2: y, stroke: "rgba(127,127,127,.35)" }));
      svg.appendChild(el("svg:text", { x: left - 4, y: y + 4, "text-anchor": "end", "font-size": 10, text: String(Math.round(max * f)) }));
    });
    var step = Math.max(1, Math.floor(n / 24));
    values.forEach(function (value, i) {
      var h = max ? plotH * value / max : 0, x = left + slot * i + (slot - barW) / 2;
      var color = i === 0 ? "#7f7f7f" : (transition && i === n - 1 ? "#ff7f0e" : "#1f77b4");
      var bar = el("svg:rect", { x: x, y: top + plotH - h, width: barW, height: h, fill: color });
      bar.appendChild(el("svg:title", { text: (labels[i] === "in" ? "block input" : labels[i] === "T" ? "transition" : "layer " + labels[i]) + ": " + value + " channels" }));
      svg.appendChild(bar);
      if (n <= 20) svg.appendChild(el("svg:text", { x: x + barW / 2, y: top + plotH - h - 3, "text-anchor": "middle", "font-size": 10, text: String(value) }));
      if (i % step === 0) svg.appendChild(el("svg:text", { x: x + barW / 2, y: H - bottom + 13, "text-anchor": "middle", "font-size": 10, text: labels[i] }));
    });
    svg.appendChild(el("svg:text", { x: left + (W - left - right) / 2, y: H - 4, "text-anchor": "middle", "font-size": 11,
                                     text: "dense layer ℓ (in = block input k0, T = transition)" }));
    return svg;
  }

  /** The paper's Figure 1 for a small block: every layer feeds every later one. */
  function diagram(n, k, k0) {
    var gap = 90, box = 54, W = Math.max(gap * n + box + 20, 420), top = 18 + 16 * n, H = top + box + 40;
    var svg = el("svg:svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "data-role": "diagram",
                              "aria-label": "Dense Block diagram" });
    var cy = top + box / 2;
    for (var l = 0; l <= n; l++) {
      var cx = 10 + box / 2 + gap * l;
      for (var j = 0; j < l; j++) {
        var x0 = 10 + box / 2 + gap * j, lift = 14 + 12 * (l - j);
        svg.appendChild(el("svg:path", { d: "M" + x0 + " " + (top - 2) + " C " + x0 + " " + (top - lift) + " " + (cx - 6) + " " + (top - lift) +
                                            " " + (cx - 6) + " " + (top - 4), fill: "none", stroke: PALETTE[j % 10], "stroke-width": 1.4 }));
        svg.appendChild(el("svg:path", { d: "M" + (cx - 10) + " " + (top - 10) + " L" + (cx - 6) + " " + (top - 2) + " L" + (cx - 2) + " " + (top - 10) + " Z",
                                         fill: PALETTE[j % 10] }));
      }
      svg.appendChild(el("svg:rect", { x: cx - box / 2, y: top, width: box, height: box, rx: 8, fill: PALETTE[l % 10], opacity: 0.85 }));
      svg.appendChild(el("svg:text", { x: cx, y: cy - 2, "text-anchor": "middle", "font-size": 14, "font-weight": "bold",
                                       style: "fill:#fff", text: l === 0 ? "x0" : "H" + l }));
      svg.appendChild(el("svg:text", { x: cx, y: cy + 14, "text-anchor": "middle", "font-size": 10, style: "fill:#fff",
                                       text: l === 0 ? k0 + " ch" : "+" + k }));
      if (l > 0) svg.appendChild(el("svg:text", { x: cx, y: top + box + 16, "text-anchor": "middle", "font-size": 11, text: "in: " + (k0 + k * (l - 1)) }));
    }
    svg.appendChild(el("svg:text", { x: 10, y: H - 4, "font-size": 11,
                                     text: n + (n === 1 ? " layer" : " layers") + ", k = " + k + ": " + (k0 + n * k) + " channels out, " + (n * (n + 1) / 2) + (n === 1 ? " connection" : " connections") }));
    return svg;
  }

  function sameSettings(a, b) {
    return a.growth_rate === b.growth_rate && a.blocks.join(",") === b.blocks.join(",") &&
      a.init_channels === b.init_channels && a.bottleneck === b.bottleneck && a.compression === b.compression &&
      a.stem === b.stem && a.input_size === b.input_size && a.classes === b.classes;
  }

  /** Build the explorer inside the element `rootId`; options from explorer.py's static_explorer_html. */
  function mount(rootId, options) {
    var root = document.getElementById(rootId);
    if (!root) return null;
    var limits = options.limits, presets = options.presets;
    var state = { settings: copySettings(options.settings), block: options.block };
    var id = function (name) { return rootId + "-" + name; };
    root.innerHTML = "";
    root.appendChild(el("style", { text: CSS }));
    root.appendChild(el("div", { "class": "dnx-head", text: "Growth-rate explorer — computed in your browser (no kernel needed)" }));

    var controls = el("div", { "class": "dnx-controls" });
    var inputs = {};
    function control(label, name, nodes) {
      var wrap = el("div", { "class": "dnx-control" }, [el("label", { "for": nodes[0].id, text: label })].concat(nodes));
      controls.appendChild(wrap);
      inputs[name] = nodes;
    }
    var presetSelect = el("select", { id: id("preset"), "data-role": "preset" });
    Object.keys(presets).forEach(function (key) {
      presetSelect.appendChild(el("option", { value: key, text: presets[key].label }));
    });
    presetSelect.value = options.preset;
    control("preset", "preset", [presetSelect]);
    control("growth rate k", "growth_rate", [
      el("input", { id: id("k-range"), type: "range", min: limits.growth_rate[0], max: limits.growth_rate[1], step: 1, "data-role": "k-range", "aria-label": "growth rate k" }),
      el("input", { id: id("k"), type: "number", step: 1, "data-role": "k", "aria-label": "growth rate k (type a value)" })
    ]);
    control("compression θ", "compression", [
      el("input", { id: id("theta-range"), type: "range", min: limits.compression[0], max: limits.compression[1], step: 0.01, "data-role": "theta-range", "aria-label": "compression theta" }),
      el("input", { id: id("theta"), type: "number", step: 0.01, "data-role": "theta", "aria-label": "compression theta (type a value)" })
    ]);
    control("layers per block", "blocks", [el("input", { id: id("blocks"), type: "text", "data-role": "blocks", placeholder: "6, 12, 24, 16" })]);
    control("initial channels", "init_channels", [el("input", { id: id("init"), type: "text", "data-role": "init", placeholder: "2k" })]);
    control("bottleneck", "bottleneck", [el("input", { id: id("bottleneck"), type: "checkbox", "data-role": "bottleneck" }),
                                         el("span", { text: "DenseNet-B (1x1 conv to 4k first)" })]);
    var stemSelect = el("select", { id: id("stem"), "data-role": "stem" }, [
      el("option", { value: "imagenet", text: "ImageNet: 7x7/2 conv + max pool" }),
      el("option", { value: "cifar", text: "CIFAR: 3x3 conv" })
    ]);
    control("stem", "stem", [stemSelect]);
    control("input size (px)", "input_size", [el("input", { id: id("size"), type: "number", step: 1, "data-role": "size" })]);
    control("classes", "classes", [el("input", { id: id("classes"), type: "number", step: 1, "data-role": "classes" })]);
    var blockSelect = el("select", { id: id("block"), "data-role": "block" });
    control("show block", "block", [blockSelect]);
    root.appendChild(controls);

    var message = el("div", { "class": "dnx-message", role: "alert", "aria-live": "polite", "data-role": "message" });
    root.appendChild(message);
    var results = el("div", { "class": "dnx-results" });
    var matches = el("div", { "data-role": "matches" });
    var totals = el("div", { "class": "dnx-totals", "data-role": "totals" });
    var chartBox = el("div"), diagramBox = el("div");
    var table = el("table", { "data-role": "boundaries" });
    results.appendChild(matches); results.appendChild(totals); results.appendChild(chartBox);
    results.appendChild(diagramBox); results.appendChild(table);
    root.appendChild(results);

    function syncControls() {
      var s = state.settings;
      inputs.growth_rate[0].value = s.growth_rate; inputs.growth_rate[1].value = s.growth_rate;
      inputs.compression[0].value = s.compression; inputs.compression[1].value = s.compression;
      inputs.blocks[0].value = s.blocks.join(", ");
      inputs.init_channels[0].value = s.init_channels === null ? "2k" : s.init_channels;
      inputs.bottleneck[0].checked = s.bottleneck;
      stemSelect.value = s.stem;
      inputs.input_size[0].value = s.input_size;
      inputs.classes[0].value = s.classes;
      blockSelect.innerHTML = "";
      for (var i = 1; i <= s.blocks.length; i++) blockSelect.appendChild(el("option", { value: i, text: "Dense Block " + i }));
      state.block = Math.min(state.block, s.blocks.length);
      blockSelect.value = state.block;
    }

    function render() {
      var plan = channelPlan(explorerConfig(state.settings, limits));
      var v = view(plan, state.block);
      var transition = null;
      plan.rows.forEach(function (r) { if (r.kind === "transition" && r.block === v.block) transition = r; });
      var name = null;
      Object.keys(presets).forEach(function (key) { if (!name && sameSettings(presets[key], state.settings)) name = presets[key].label; });
      matches.textContent = name ? "These are the settings of " + name + "." : "A custom DenseNet (no preset has these settings).";
      totals.innerHTML = "";
      totals.appendChild(el("div", {}, [
        el("b", { text: "Dense Block " + v.block }), el("span", { text: ", channels after each layer: " }),
        el("span", { "data-role": "layers", text: v.layers.join(", ") })
      ]));
      totals.appendChild(el("div", {}, [
        el("b", { text: "parameters: " }), el("span", { "data-role": "params", "data-value": v.params, text: thousands(v.params) }),
        el("span", { text: " (" + (v.params >= 1000 ? human(v.params) + "; " : "") + thousands(v.non_trainable) +
                           " of them BN moving statistics, not trainable)" })
      ]));
      totals.appendChild(el("div", {}, [
        el("b", { text: "multiply-adds per image: " }), el("span", { "data-role": "macs", "data-value": v.macs, text: thousands(v.macs) }),
        el("span", { text: " (" + (v.macs >= 1000 ? human(v.macs) + "; " : "") + "about twice as many FLOPs)" })
      ]));
      totals.appendChild(el("div", {}, [
        el("b", { text: "feature-map elements per image" }), el("span", { text: " (naive / memory-efficient): " }),
        el("span", { "data-role": "elements-naive", "data-value": v.elements_naive, text: thousands(v.elements_naive) }),
        el("span", { text: " / " }),
        el("span", { "data-role": "elements-efficient", "data-value": v.elements_memory_efficient,
                     text: thousands(v.elements_memory_efficient) }),
        el("span", { text: " (" + v.elements_ratio.toFixed(2) + "× fewer)" })
      ]));
      chartBox.innerHTML = ""; chartBox.appendChild(barChart(v, transition));
      diagramBox.innerHTML = "";
      var n = state.settings.blocks[v.block - 1];
      if (n <= options.diagram_max_layers) diagramBox.appendChild(diagram(n, v.growth_rate, v.k0));
      table.innerHTML = "";
      table.appendChild(el("thead", {}, [el("tr", {}, ["where", "layer", "channels in", "channels out", "feature map after"].map(function (h) {
        return el("th", { text: h });
      }))]));
      var body = el("tbody");
      v.boundaries.forEach(function (b) {
        body.appendChild(el("tr", { "data-kind": b.kind, "data-name": b.name }, [
          el("td", { text: b.what }), el("td", {}, [el("code", { text: b.name })]),
          el("td", { "data-col": "channels_in", text: String(b.channels_in) }),
          el("td", { "data-col": "channels_out", text: String(b.channels_out) }),
          el("td", { "data-col": "size", text: String(b.size) })
        ]));
      });
      table.appendChild(body);
      root.setAttribute("data-settings", JSON.stringify(state.settings));
      root.setAttribute("data-block", String(state.block));
    }

    function apply(raw) {
      var result = clampSettings(raw, state.settings, limits);
      var changed = JSON.stringify(result.settings) !== JSON.stringify(state.settings);
      state.settings = result.settings;
      // A message stays until a change is accepted without one (a repeated
      // event for the same value, e.g. Enter then change, keeps it).
      if (result.messages.length || changed) message.textContent = result.messages.join("\n");
      syncControls();
      render();
    }

    presetSelect.addEventListener("change", function () {
      var p = presets[presetSelect.value], s = {};
      Object.keys(p).forEach(function (key) { if (key !== "label") s[key] = Array.isArray(p[key]) ? p[key].slice() : p[key]; });
      state.settings = s; state.block = 1; message.textContent = "";
      syncControls(); render();
    });
    // Sliders: recompute while dragging; the number boxes beside them take typed values.
    inputs.growth_rate[0].addEventListener("input", function () { apply({ growth_rate: inputs.growth_rate[0].value }); });
    inputs.compression[0].addEventListener("input", function () { apply({ compression: inputs.compression[0].value }); });
    function onCommit(node, handler) {
      node.addEventListener("change", handler);
      node.addEventListener("keydown", function (event) { if (event.key === "Enter") handler(); });
    }
    onCommit(inputs.growth_rate[1], function () { apply({ growth_rate: inputs.growth_rate[1].value }); });
    onCommit(inputs.compression[1], function () { apply({ compression: inputs.compression[1].value }); });
    onCommit(inputs.blocks[0], function () { apply({ blocks: inputs.blocks[0].value }); });
    onCommit(inputs.init_channels[0], function () { apply({ init_channels: inputs.init_channels[0].value }); });
    onCommit(inputs.input_size[0], function () { apply({ input_size: inputs.input_size[0].value }); });
    onCommit(inputs.classes[0], function () { apply({ classes: inputs.classes[0].value }); });
    inputs.bottleneck[0].addEventListener("change", function () { apply({ bottleneck: inputs.bottleneck[0].checked }); });
    stemSelect.addEventListener("change", function () { apply({ stem: stemSelect.value }); });
    blockSelect.addEventListener("change", function () { state.block = parseInt(blockSelect.value, 10); render(); });

    syncControls();
    render();
    root.setAttribute("data-ready", "true");
    return { root: root, state: state, apply: apply };
  }

  var api = {
    compressedChannels: compressedChannels, spatialAfterStem: spatialAfterStem, minInputSize: minInputSize,
    checkConfig: checkConfig, channelPlan: channelPlan, networkElements: networkElements,
    explorerConfig: explorerConfig, view: view,
    clampSettings: clampSettings, mount: mount
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else global.DenseNetExplorer = api;
})(typeof window !== "undefined" ? window : this);
