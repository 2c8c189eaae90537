/* Resource form: checks a chosen file against the allowed formats and size
 * limit before sending it, then sends the form with XMLHttpRequest so that a
 * progress bar can follow the upload.  The server's answer is shown exactly as
 * a normal submit would show it (redirect on success, the form with its
 * translated error on rejection).  Without JavaScript the form posts as usual.
 */
this.ckan.module('bantensatudata-upload', function ($) {
  'use strict';

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  return {
    options: {
      accept: '',
      extensions: '',
      max_size: 0,
      formats: '',
      limit: '',
      msg_too_large: '',
      msg_bad_extension: '',
      msg_uploading: '',
      msg_checking: '',
      msg_failed: ''
    },

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.form = this.el.closest('form');
      this.input = this.form.find('input[type="file"][name="upload"]');
      this.clientError = this.el.find('.bsd-upload-client-error');
      this.progress = this.el.find('.bsd-upload-progress');
      this.bar = this.progress.find('.progress-bar');
      this.status = this.progress.find('.bsd-upload-status');
      if (this.options.accept) {
        this.input.attr('accept', this.options.accept);
      }
      this.input.attr('aria-describedby', 'bsd-upload-help');
      this.input.on('change', this._onChange);
      this.form.on('submit', this._onSubmit);
    },

    _file: function () {
      var el = this.input.get(0);
      return el && el.files && el.files.length ? el.files[0] : null;
    },

    _problem: function (file) {
      var name = file.name || '';
      var dot = name.lastIndexOf('.');
      var ext = dot > 0 ? name.slice(dot).toLowerCase() : '';
      var allowed = String(this.options.extensions).split(/\s+/).filter(Boolean);
      if (allowed.length && allowed.indexOf(ext) === -1) {
        return fill(this.options.msg_bad_extension, {name: name, allowed: this.options.formats});
      }
      var max = parseInt(this.options.max_size, 10);
      if (max > 0 && file.size > max) {
        return fill(this.options.msg_too_large, {name: name, limit: this.options.limit});
      }
      return '';
    },

    _showError: function (message) {
      this.clientError.text(message);
      this.clientError.prop('hidden', !message);
    },

    _onChange: function () {
      var file = this._file();
      this._showError(file ? this._problem(file) : '');
    },

    _setProgress: function (percent, message) {
      this.progress.prop('hidden', false);
      this.bar.css('width', percent + '%');
      this.progress.find('.progress').attr('aria-valuenow', percent);
      this.status.text(message);
    },

    _onSubmit: function (event) {
      var file = this._file();
      var uploadChosen = this.form.find('#resource-url-upload').prop('checked') !== false;
      if (!file || !uploadChosen || !window.FormData || !window.XMLHttpRequest) {
        return; // a plain submit: nothing to follow
      }
      var problem = this._problem(file);
      if (problem) {
        event.preventDefault();
        event.stopImmediatePropagation();
        this._showError(problem);
        this.input.trigger('focus');
        return;
      }
      event.preventDefault();
      this._showError('');

      var data = new FormData(this.form.get(0));
      var submitter = event.originalEvent && event.originalEvent.submitter;
      if (submitter && submitter.name) {
        data.append(submitter.name, submitter.value);
      } else if (!data.has('save')) {
        data.append('save', this.form.find('button[name="save"]').last().val() || '');
      }

      var module = this;
      var xhr = new XMLHttpRequest();
      xhr.open('POST', this.form.attr('action') || window.location.href);
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) {
          var percent = Math.min(100, Math.floor(e.loaded * 100 / e.total));
          module._setProgress(percent, fill(module.options.msg_uploading, {percent: percent + '%'}));
        }
      });
      xhr.upload.addEventListener('load', function () {
        module._setProgress(100, module.options.msg_checking);
      });
      xhr.addEventListener('load', function () {
        $(window).off('beforeunload');
        window.onbeforeunload = null;
        var target = xhr.responseURL || '';
        var action = module.form.get(0).action;
        if (xhr.status < 400 && target && target !== action) {
          window.location.assign(target); // saved: go where the normal submit would have gone
          return;
        }
        document.open();
        document.write(xhr.responseText); // the form again, with the server's translated error
        document.close();
      });
      xhr.addEventListener('error', function () {
        module.progress.prop('hidden', true);
        module._showError(module.options.msg_failed);
        module.form.find('button[name="save"]').prop('disabled', false);
      });
      this._setProgress(0, fill(this.options.msg_uploading, {percent: '0%'}));
      xhr.send(data);
    }
  };
});
