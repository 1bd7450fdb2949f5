// The report's own script, allowed by its hash in the page's Content-Security-Policy: sorts a table when a header
// is clicked, filters it by the text typed above it, and shows an example's details from the page's JSON data.
// It writes text only (textContent), never markup: the policy also requires Trusted Types for every markup sink.
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('hmf-examples').textContent);

  // C0 controls as their Unicode pictures, as the page shows them elsewhere.
  function visible(text) {
    return String(text).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, function (c) {
      return c === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0));
    });
  }

  function sortKey(row, column, numeric) {
    var cell = row.cells[column];
    var key = cell ? cell.getAttribute('data-value') : null;
    if (numeric) {
      var number = parseFloat(key === null ? (cell ? cell.textContent.replace(/[^0-9.\-]/g, '') : '') : key);
      return isNaN(number) ? -Infinity : number;
    }
    return key !== null ? key : (cell ? cell.textContent.trim().toLowerCase() : '');
  }

  function sortTable(header) {
    var table = header.closest('table');
    var headers = header.parentNode.children;
    var column = Array.prototype.indexOf.call(headers, header);
    var numeric = header.getAttribute('data-sort') === 'number';
    var ascending = header.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(headers, function (h) { h.removeAttribute('aria-sort'); });
    header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var keyed = Array.prototype.map.call(body.rows, function (row, index) {
      return { row: row, key: sortKey(row, column, numeric), index: index };
    });
    keyed.sort(function (a, b) {
      var order = numeric ? (a.key > b.key) - (a.key < b.key) : a.key.localeCompare(b.key, undefined, { numeric: true, sensitivity: 'base' });
      return (ascending ? order : -order) || a.index - b.index;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (k) { fragment.appendChild(k.row); });
    body.appendChild(fragment);
  }

  function filterTable(input) {
    var table = document.getElementById(input.getAttribute('data-table'));
    var query = input.value.trim().toLowerCase();
    var rows = table.tBodies[0].rows;
    var shown = 0;
    Array.prototype.forEach.call(rows, function (row) {
      var match = query === '' || row.textContent.toLowerCase().indexOf(query) >= 0;
      row.hidden = !match;
      shown += match ? 1 : 0;
    });
    var count = input.closest('.table-tools').querySelector('.row-count');
    count.setAttribute('data-shown', String(shown));
    count.textContent = query === '' ? rows.length + ' rows' : shown + ' of ' + rows.length + ' rows';
  }

  function element(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = visible(text); }
    if (className) { e.className = className; }
    return e;
  }

  function showExample(button) {
    var example = data.examples[Number(button.getAttribute('data-example'))];
    var panel = button.closest('article').querySelector('.example-detail');
    while (panel.firstChild) { panel.removeChild(panel.firstChild); }
    panel.appendChild(element('h4', example.title));
    var list = element('dl');
    example.details.forEach(function (pair) {
      list.appendChild(element('dt', pair[0]));
      list.appendChild(element('dd', pair[1]));
    });
    panel.appendChild(list);
    if (example.lines.length > 0) {
      panel.appendChild(element('h4', example.linesTitle));
      var pre = element('pre');
      example.lines.forEach(function (line, index) {
        pre.appendChild(element('span', line, index === example.decidingLine ? 'deciding' : null));
      });
      panel.appendChild(pre);
    }
    panel.appendChild(element('button', 'Close', 'close-example')).setAttribute('type', 'button');
    panel.hidden = false;
    panel.scrollIntoView({ block: 'nearest' });
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest('button');
    if (!button) { return; }
    if (button.classList.contains('sort')) {
      sortTable(button.closest('th'));
    } else if (button.classList.contains('show-example')) {
      showExample(button);
    } else if (button.classList.contains('close-example')) {
      button.closest('.example-detail').hidden = true;
    }
  });

  document.addEventListener('input', function (event) {
    if (event.target.classList.contains('filter')) { filterTable(event.target); }
  });
}());
