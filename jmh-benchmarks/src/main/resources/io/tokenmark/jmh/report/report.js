// Draws the charts of a TokenMark HTML report as inline SVG from the JSON in #report-data.
// No library and no network: the report must open offline. When every chart is drawn, <body>
// gets data-report-status="ready" and data-charts-drawn; on a script error the status is
// "error" and #script-errors lists the messages.
(function () {
  'use strict';

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var PERCENTILES = [
    {key: 'p50', dash: null},
    {key: 'p90', dash: '7 4'},
    {key: 'p99', dash: '2 3'}
  ];
  var body = document.body;
  var errors = [];

  function reportError(message) {
    errors.push(message);
    var box = document.getElementById('script-errors');
    if (box) {
      box.hidden = false;
      box.textContent = 'Script errors:\n' + errors.join('\n');
    }
    body.setAttribute('data-report-status', 'error');
  }

  window.addEventListener('error', function (event) {
    reportError(String(event.message || event));
  });

  function svgElement(name, attributes, parent) {
    var node = document.createElementNS(SVG_NS, name);
    Object.keys(attributes).forEach(function (key) {
      if (attributes[key] !== null && attributes[key] !== undefined) {
        node.setAttribute(key, String(attributes[key]));
      }
    });
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  function svgText(parent, x, y, content, attributes) {
    var node = svgElement('text', Object.assign({x: x, y: y}, attributes || {}), parent);
    node.textContent = content;
    return node;
  }

  function isNumber(value) {
    return typeof value === 'number' && isFinite(value);
  }

  // Rounds up to 1, 2 or 5 times a power of ten, so axis ticks are round numbers.
  function niceCeiling(value) {
    if (!(value > 0)) {
      return 1;
    }
    var power = Math.pow(10, Math.floor(Math.log10(value)));
    var fraction = value / power;
    if (fraction <= 1) {
      return power;
    }
    if (fraction <= 2) {
      return 2 * power;
    }
    return fraction <= 5 ? 5 * power : 10 * power;
  }

  function formatNumber(value) {
    if (!isNumber(value)) {
      return 'n/a';
    }
    var magnitude = Math.abs(value);
    if (magnitude >= 1000) {
      return value.toFixed(0);
    }
    if (magnitude >= 100) {
      return value.toFixed(1);
    }
    if (magnitude >= 1 || value === 0) {
      return value.toFixed(2);
    }
    return value.toPrecision(3);
  }

  function addNote(figure, content) {
    var note = document.createElement('p');
    note.className = 'chart-note';
    note.textContent = content;
    figure.appendChild(note);
  }

  function addLegend(figure, series) {
    var legend = document.createElement('div');
    legend.className = 'legend';
    series.forEach(function (item) {
      var entry = document.createElement('span');
      entry.style.marginRight = '14px';
      entry.style.whiteSpace = 'nowrap';
      var swatch = svgElement('svg', {width: 22, height: 10}, entry);
      svgElement('line', {x1: 0, x2: 22, y1: 5, y2: 5, stroke: item.color, 'stroke-width': 2,
        'stroke-dasharray': item.dash}, swatch);
      entry.appendChild(document.createTextNode(' ' + item.name));
      legend.appendChild(entry);
    });
    figure.appendChild(legend);
  }

  // A line chart over categorical x positions; series values may be null where a run lacks
  // the point.
  function lineChart(figure, xLabels, xTitle, yTitle, series) {
    var width = 600;
    var height = 300;
    var margin = {left: 70, right: 20, top: 12, bottom: 52};
    var plotWidth = width - margin.left - margin.right;
    var plotHeight = height - margin.top - margin.bottom;
    var largest = 0;
    series.forEach(function (item) {
      item.values.forEach(function (value) {
        if (isNumber(value)) {
          largest = Math.max(largest, value);
        }
      });
    });
    var yMax = niceCeiling(largest * 1.05);
    function x(index) {
      return margin.left + (xLabels.length === 1 ? plotWidth / 2
        : index * plotWidth / (xLabels.length - 1));
    }
    function y(value) {
      return margin.top + plotHeight - value / yMax * plotHeight;
    }

    var svg = svgElement('svg', {width: width, height: height,
      viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'class': 'line-chart'}, figure);
    var grid = svgElement('g', {'class': 'grid'}, svg);
    var axis = svgElement('g', {'class': 'axis'}, svg);
    for (var tick = 0; tick <= 5; tick++) {
      var tickValue = yMax * tick / 5;
      svgElement('line', {x1: margin.left, x2: width - margin.right, y1: y(tickValue),
        y2: y(tickValue)}, grid);
      svgText(axis, margin.left - 6, y(tickValue) + 4, formatNumber(tickValue),
        {'text-anchor': 'end'});
    }
    svgElement('line', {x1: margin.left, x2: margin.left, y1: margin.top,
      y2: margin.top + plotHeight}, axis);
    svgElement('line', {x1: margin.left, x2: width - margin.right, y1: margin.top + plotHeight,
      y2: margin.top + plotHeight}, axis);
    xLabels.forEach(function (label, index) {
      svgText(axis, x(index), margin.top + plotHeight + 16, label, {'text-anchor': 'middle'});
    });
    svgText(axis, margin.left + plotWidth / 2, margin.top + plotHeight + 36, xTitle,
      {'text-anchor': 'middle'});
    var middle = margin.top + plotHeight / 2;
    svgText(axis, 14, middle, yTitle,
      {'text-anchor': 'middle', transform: 'rotate(-90 14 ' + middle + ')'});

    series.forEach(function (item) {
      // A run without a point is skipped there: the line joins its neighbours.
      var path = '';
      item.values.forEach(function (value, index) {
        if (isNumber(value)) {
          path += (path ? 'L' : 'M') + x(index).toFixed(1) + ' ' + y(value).toFixed(1) + ' ';
        }
      });
      if (path) {
        svgElement('path', {d: path, fill: 'none', stroke: item.color, 'stroke-width': 2,
          'stroke-dasharray': item.dash, 'class': 'series'}, svg);
      }
      item.values.forEach(function (value, index) {
        if (!isNumber(value)) {
          return;
        }
        var dot = svgElement('circle', {cx: x(index), cy: y(value), r: 3, fill: item.color},
          svg);
        svgElement('title', {}, dot).textContent =
          item.name + ' at ' + xLabels[index] + ': ' + formatNumber(value);
      });
    });
    addLegend(figure, series);
  }

  function throughputChart(figure, data, key, yTitle) {
    var series = data.runs.map(function (run) {
      return {
        name: run.label,
        color: run.color,
        dash: null,
        values: run.points.map(function (point) {
          return point ? point[key] : null;
        })
      };
    });
    lineChart(figure, data.x_labels, data.x_title, yTitle, series);
  }

  function percentileChart(figure, data, metric) {
    var series = [];
    data.runs.forEach(function (run) {
      PERCENTILES.forEach(function (percentile) {
        series.push({
          name: run.label + ' ' + percentile.key,
          color: run.color,
          dash: percentile.dash,
          values: run.points.map(function (point) {
            return point && point[metric] ? point[metric][percentile.key] : null;
          })
        });
      });
    });
    lineChart(figure, data.x_labels, data.x_title, metric.toUpperCase() + ' (ms)', series);
  }

  // One horizontal line per request from send to end; the part before the first token is
  // thin. Requests are ordered by send; a label marks where each point starts.
  function timelineChart(figure, run) {
    var requests = run.timeline.requests;
    if (requests.length === 0) {
      addNote(figure, 'No request in requests.jsonl.');
      return;
    }
    var width = 1180;
    var margin = {left: 70, right: 20, top: 10, bottom: 40};
    // Thinner rows for more requests; beyond 600 pixels the rows overlap.
    var rowHeight = 4;
    if (requests.length > 300) {
      rowHeight = 1;
    } else if (requests.length > 100) {
      rowHeight = 2;
    }
    var plotHeight = Math.max(80, Math.min(600, requests.length * rowHeight));
    var height = plotHeight + margin.top + margin.bottom;
    var plotWidth = width - margin.left - margin.right;
    // The axis starts at the run's start (0) unless a request started before it.
    var first = 0;
    var last = 1;
    requests.forEach(function (request) {
      first = Math.min(first, request[0]);
      last = Math.max(last, request[2]);
    });
    var span = last - first;
    function x(millis) {
      return margin.left + (millis - first) / span * plotWidth;
    }
    function y(index) {
      return margin.top + (index + 0.5) * plotHeight / requests.length;
    }

    var svg = svgElement('svg', {width: width, height: height,
      viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'class': 'timeline-chart'}, figure);
    var axis = svgElement('g', {'class': 'axis'}, svg);
    svgElement('line', {x1: margin.left, x2: width - margin.right, y1: margin.top + plotHeight,
      y2: margin.top + plotHeight}, axis);
    var step = niceCeiling(span / 8);
    for (var millis = Math.ceil(first / step) * step; millis <= last; millis += step) {
      svgElement('line', {x1: x(millis), x2: x(millis), y1: margin.top + plotHeight,
        y2: margin.top + plotHeight + 4}, axis);
      svgText(axis, x(millis), margin.top + plotHeight + 16, formatNumber(millis / 1000),
        {'text-anchor': 'middle'});
    }
    svgText(axis, margin.left + plotWidth / 2, margin.top + plotHeight + 34,
      'Time since the run started (s)', {'text-anchor': 'middle'});

    var lines = svgElement('g', {'class': 'requests'}, svg);
    var strokeWidth = Math.max(1, rowHeight - 1);
    var previousPoint = null;
    requests.forEach(function (request, index) {
      var start = request[0];
      var firstToken = request[1];
      var end = request[2];
      var succeeded = request[3] === 1;
      var point = request[4];
      var color = succeeded ? run.color : '#d00000';
      if (point !== previousPoint) {
        svgText(axis, margin.left - 6, y(index) + 4, point, {'text-anchor': 'end'});
        previousPoint = point;
      }
      if (isNumber(firstToken) && firstToken > start) {
        svgElement('line', {x1: x(start), x2: x(firstToken), y1: y(index), y2: y(index),
          stroke: color, 'stroke-width': Math.max(0.5, strokeWidth / 3), opacity: 0.6}, lines);
        svgElement('line', {x1: x(firstToken), x2: x(Math.max(end, firstToken)), y1: y(index),
          y2: y(index), stroke: color, 'stroke-width': strokeWidth}, lines);
      } else {
        svgElement('line', {x1: x(start), x2: x(Math.max(end, start)), y1: y(index),
          y2: y(index), stroke: color, 'stroke-width': strokeWidth}, lines);
      }
    });
    if (run.timeline.shown < run.timeline.total) {
      addNote(figure, 'Showing ' + run.timeline.shown + ' of ' + run.timeline.total
        + ' requests, evenly sampled.');
    }
  }

  function drawChart(figure, data) {
    var kind = figure.getAttribute('data-chart');
    switch (kind) {
      case 'output_tokens_per_s':
        throughputChart(figure, data, kind, 'Output tokens per second');
        break;
      case 'requests_per_s':
        throughputChart(figure, data, kind, 'Requests per second');
        break;
      case 'ttft':
      case 'tpot':
      case 'itl':
      case 'e2el':
        percentileChart(figure, data, kind);
        break;
      case 'timeline':
        timelineChart(figure, data.runs[Number(figure.getAttribute('data-run'))]);
        break;
      default:
        throw new Error('unknown chart kind ' + kind);
    }
  }

  function main() {
    var data = JSON.parse(document.getElementById('report-data').textContent);
    var drawn = 0;
    var figures = document.querySelectorAll('[data-chart]');
    Array.prototype.forEach.call(figures, function (figure) {
      try {
        drawChart(figure, data);
        drawn++;
      } catch (error) {
        reportError(figure.getAttribute('data-chart') + ': ' + error.message);
      }
    });
    body.setAttribute('data-charts-drawn', String(drawn));
    body.setAttribute('data-charts-expected', String(figures.length));
    if (errors.length === 0) {
      body.setAttribute('data-report-status', 'ready');
    }
  }

  try {
    main();
  } catch (error) {
    reportError(error.message);
  }
}());
