/**
 * Tracker add-on: a "Tracker" menu in the school's spreadsheets that asks the tracker web
 * service (sync/web) to sync, check a class, or write parent reports, and shows the answer in
 * plain words. Every request carries the user's Google ID token; the service checks it and the
 * school's Staff tab, so the add-on itself holds no secret.
 *
 * Set the two values below when installing (docs/web-service.md):
 *   backendUrl           the service's URL; it must also be in appsscript.json urlFetchWhitelist.
 *   schoolSpreadsheetId  the school's "Tracker summary" spreadsheet id; leave blank when the
 *                        add-on runs in the Tracker summary itself.
 */
var TRACKER = {
  backendUrl: 'https://YOUR-PROJECT.nw.r.appspot.com',
  schoolSpreadsheetId: ''
};

var NO_ANSWER = 'The tracker service did not answer in time. If you started a sync it may ' +
    'still be running: open Tracker > Sync status in a minute to see how it went.';

/**
 * The add-on's menu. A published Editor add-on puts its items under Extensions > (add-on name)
 * with createAddonMenu(); createMenu() would only work in a script bound to one spreadsheet.
 * In AuthMode.NONE (before the user has opened the add-on in this file) only the menu is built.
 */
function onOpen(e) {
  SpreadsheetApp.getUi().createAddonMenu()
      .addItem('Sync now', 'syncNow')
      .addItem('Check my class', 'checkMyClass')
      .addItem('Create parent reports', 'createParentReports')
      .addItem('Next school year', 'nextSchoolYear')
      .addSeparator()
      .addItem('Sync status', 'showSyncStatus')
      .addToUi();
}

/** Runs when a user installs the add-on: show the menu at once, without reopening the file. */
function onInstall(e) {
  onOpen(e);
}

/** Menu: sync the whole school now, then say how it went. */
function syncNow() {
  toast_('Syncing the school: this can take a minute or two.');
  var answer = callTracker_('post', '/api/sync', {spreadsheetId: schoolId_()});
  toast_(answer.ok ? answer.body.message : errorText_(answer));
}

/** Menu: the problems the last sync found in this class spreadsheet, with links to the cells. */
function checkMyClass() {
  var name = SpreadsheetApp.getActiveSpreadsheet().getName();
  var answer = callTracker_('get', statusPath_(name));
  if (!answer.ok) {
    toast_(errorText_(answer));
    return;
  }
  showSidebar_('Check my class', sidebarView_(answer.body, 'Problems in ' + name, name));
}

/** Menu: write the parent reports for the current window (head or admin only). */
function createParentReports() {
  toast_('Writing parent reports: this can take a few minutes.');
  var answer = callTracker_('post', '/api/reports', {spreadsheetId: schoolId_()});
  toast_(answer.ok ? answer.body.message : errorText_(answer));
}

/**
 * Menu (head or admin): the first time, a "Classes next year" tab in Tracker summary for the head
 * to check; once checked, next year's class spreadsheets, shared as this year's are. This year's
 * spreadsheets stay as they are. The service says what it did, or why not, in plain words.
 */
function nextSchoolYear() {
  var ui = SpreadsheetApp.getUi();
  var go = ui.alert('Next school year',
      'The first time, this adds a "Classes next year" tab to Tracker summary for you to check. ' +
      'Once you have checked it, choose Next school year again to create next year\'s class ' +
      'spreadsheets. This year\'s spreadsheets stay as they are. Go on?', ui.ButtonSet.YES_NO);
  if (go !== ui.Button.YES) {
    return;
  }
  toast_('Working on next school year: this can take a few minutes.');
  var answer = callTracker_('post', '/api/new-year', {spreadsheetId: schoolId_()});
  if (!answer.ok) {
    toast_(errorText_(answer));
    return;
  }
  ui.alert('Next school year', answer.body.message, ui.ButtonSet.OK);
}

/** Menu: the last run and every problem of the school. */
function showSyncStatus() {
  var answer = callTracker_('get', statusPath_(''));
  if (!answer.ok) {
    toast_(errorText_(answer));
    return;
  }
  var here = SpreadsheetApp.getActiveSpreadsheet().getName();
  showSidebar_('Sync status', sidebarView_(answer.body, 'Problems in the school', here));
}

/** Called from the sidebar: select a problem's cell in this spreadsheet. */
function goToCell(tab, cell) {
  var sheet = SpreadsheetApp.getActiveSpreadsheet().getSheetByName(tab);
  if (!sheet) {
    return false;
  }
  sheet.getRange(cell).activate();
  return true;
}

function schoolId_() {
  return TRACKER.schoolSpreadsheetId || SpreadsheetApp.getActiveSpreadsheet().getId();
}

function statusPath_(workbook) {
  var path = '/api/status?spreadsheetId=' + encodeURIComponent(schoolId_());
  return workbook ? path + '&workbook=' + encodeURIComponent(workbook) : path;
}

/** One request to the service: {ok, status, body}; never throws. */
function callTracker_(method, path, payload) {
  var options = {
    method: method,
    headers: {Authorization: 'Bearer ' + ScriptApp.getIdentityToken()},
    muteHttpExceptions: true
  };
  if (payload) {
    options.contentType = 'application/json';
    options.payload = JSON.stringify(payload);
  }
  var response;
  try {
    response = UrlFetchApp.fetch(TRACKER.backendUrl + path, options);
  } catch (err) {
    return {ok: false, status: 0, body: {error: NO_ANSWER}};
  }
  var status = response.getResponseCode();
  var body;
  try {
    body = JSON.parse(response.getContentText());
  } catch (err) {
    body = {};
  }
  return {ok: status >= 200 && status < 300, status: status, body: body};
}

function errorText_(answer) {
  if (answer.body && answer.body.error) {
    return answer.body.error;
  }
  return 'The tracker service could not do that (answer ' + answer.status + '); try again later.';
}

/** What the sidebar shows, in words; problems in `here` (this spreadsheet) get a link. */
function sidebarView_(status, heading, here) {
  var run = status.lastRun;
  var lastRun = run ?
      'Last sync started ' + run.started + (run.window ? ' (' + run.window + ')' : '') + ': ' +
          run.outcome + '.' :
      'No sync has run yet.';
  var problems = (status.problems || []).map(function(problem) {
    return {
      where: problem.tab + ' ' + problem.cell + (problem.workbook === here ? '' :
          ' in ' + problem.workbook),
      tab: problem.tab,
      cell: problem.cell,
      linked: problem.workbook === here,
      text: 'Found "' + problem.found + '"; expected ' + problem.expected + '.',
      severity: problem.severity
    };
  });
  return {
    heading: heading,
    running: status.running === true,
    lastRun: lastRun,
    problems: problems,
    more: Math.max(0, (status.problemCount || 0) - problems.length)
  };
}

function showSidebar_(title, view) {
  var template = HtmlService.createTemplateFromFile('Sidebar');
  template.view = view;
  SpreadsheetApp.getUi().showSidebar(template.evaluate().setTitle('Tracker: ' + title));
}

function toast_(message) {
  SpreadsheetApp.getActiveSpreadsheet().toast(message, 'Tracker', 10);
}
