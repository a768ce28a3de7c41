/*
  Live chat on the citizen's page and in the staff console (no inline script: the site's CSP allows none).

  An htmx extension ("chat") that
  - keeps each message once, whether it came from the event stream, a poll or the answer to a post;
  - asks a poll for the messages after the last one shown (?after=<id>);
  - catches up whenever the event stream (re)opens, and polls every few seconds when there is no stream
    (no EventSource, the server sent none, or it said it is unavailable);
  - empties the message box after a message was sent, and keeps the newest message in view.
  Without JavaScript the forms post normally and a reload shows everything.
*/
(function () {
  "use strict";

  function rootOf(elt) {
    return elt && elt.closest ? elt.closest("[data-chat]") : null;
  }

  function lastId(list) {
    var items = list ? list.querySelectorAll("[data-message-id]") : [];
    return items.length ? items[items.length - 1].getAttribute("data-message-id") : "0";
  }

  function pollers(root) {
    return root.querySelectorAll("[data-chat-poller]");
  }

  function catchUp(root) {
    pollers(root).forEach(function (poller) { htmx.trigger(poller, "chat:catchup"); });
  }

  function poll(root, pollersToUpgrade) {
    var seconds = root.getAttribute("data-chat-poll-seconds") || "3";
    pollersToUpgrade.forEach(function (poller) {
      poller.setAttribute("hx-trigger", "chat:catchup, every " + seconds + "s");
      htmx.process(poller);
    });
  }

  function startPolling(root) {
    if (!root || root.hasAttribute("data-chat-polling")) {
      return;
    }
    root.setAttribute("data-chat-polling", "");
    poll(root, pollers(root));
    catchUp(root);
  }

  function followNewest(root) {
    var list = root && root.querySelector("[data-chat-messages]");
    if (list) {
      list.scrollTop = list.scrollHeight;
    }
  }

  htmx.defineExtension("chat", {
    onEvent: function (name, evt) {
      var elt = evt.detail && evt.detail.elt ? evt.detail.elt : evt.target;
      var root = rootOf(elt);
      if (!root) {
        return;
      }
      if (name === "htmx:configRequest" && elt.hasAttribute("data-chat-after")) {
        evt.detail.parameters.after = lastId(document.querySelector(elt.getAttribute("data-chat-after")));
      } else if (name === "htmx:sseOpen") {
        var source = evt.detail.source;
        if (source && !source.chatListening) {
          source.chatListening = true;
          source.addEventListener("unavailable", function () {
            source.close();
            startPolling(root);
          });
        }
        catchUp(root);
      } else if (name === "htmx:sseError") {
        var failed = evt.detail.source;
        if (!failed || failed.readyState === EventSource.CLOSED) {
          startPolling(root);
        }
      } else if (name === "htmx:afterSwap" || name === "htmx:sseMessage") {
        followNewest(root);
      } else if (name === "htmx:afterRequest" && elt.hasAttribute("data-chat-compose")) {
        var xhr = evt.detail.xhr;
        if (evt.detail.successful && xhr && !xhr.getResponseHeader("HX-Retarget")) {
          elt.reset();
          var errors = root.querySelector("#chat-form-errors");
          if (errors) {
            errors.innerHTML = "";
          }
          // The send button was disabled during the post, which drops the focus: give it back to the message box.
          var box = elt.querySelector("textarea");
          if (box) {
            box.focus();
          }
        }
      }
    },

    transformResponse: function (text) {
      if (text.indexOf("data-message-id") === -1) {
        return text;
      }
      var template = document.createElement("template");
      template.innerHTML = text;
      template.content.querySelectorAll("[data-message-id]").forEach(function (item) {
        if (item.id && document.getElementById(item.id)) {
          item.remove();
        }
      });
      return template.innerHTML;
    }
  });

  htmx.onLoad(function (content) {
    // A poller swapped in (the status, the queue) arrives with its stream trigger: keep it polling.
    var outer = rootOf(content.parentElement);
    if (outer && outer.hasAttribute("data-chat-polling")) {
      var fresh = content.matches("[data-chat-poller]") ? [content] : content.querySelectorAll("[data-chat-poller]");
      poll(outer, fresh);
    }
    var roots = content.matches && content.matches("[data-chat]") ? [content] : content.querySelectorAll("[data-chat]");
    roots.forEach(function (root) {
      followNewest(root);
      if (!root.hasAttribute("sse-connect") || typeof window.EventSource === "undefined") {
        startPolling(root);
      }
    });
  });
})();
