"""The menu bar and its actions, with their shortcuts. The window connects them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow


@dataclass
class Actions:
    quit: QAction
    back: QAction
    forward: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_reset: QAction
    show_contents: QAction
    find: QAction
    next_tab: QAction
    previous_tab: QAction
    tab_actions: list[QAction]
    about: QAction
    search: QAction
    add_document: QAction
    remove_document: QAction
    change_slot: QAction
    goto_paragraph: QAction
    print_: QAction | None = None
    copy_citation: QAction | None = None


def _action(window: QMainWindow, text: str, *shortcuts: QKeySequence.StandardKey | str) -> QAction:
    action = QAction(text, window)
    keys: list[QKeySequence] = []
    for shortcut in shortcuts:
        if isinstance(shortcut, QKeySequence.StandardKey):
            candidates = QKeySequence.keyBindings(shortcut)
        else:
            candidates = [QKeySequence(shortcut)]
        keys.extend(k for k in candidates if not k.isEmpty() and k not in keys)
    if keys:
        action.setShortcuts(keys)
        action.setToolTip(
            f"{text.replace('&', '')} ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})"
        )
    return action


def build_menus(window: QMainWindow, tab_titles: list[str]) -> Actions:
    SK = QKeySequence.StandardKey
    actions = Actions(
        quit=_action(window, "&Quit", SK.Quit, "Ctrl+Q"),
        back=_action(window, "&Back", SK.Back, "Alt+Left"),
        forward=_action(window, "&Forward", SK.Forward, "Alt+Right"),
        zoom_in=_action(window, "&Larger text", SK.ZoomIn, "Ctrl+=", "Ctrl++"),
        zoom_out=_action(window, "&Smaller text", SK.ZoomOut, "Ctrl+-"),
        zoom_reset=_action(window, "&Normal text size", "Ctrl+0"),
        show_contents=_action(window, "&Contents", "F9"),
        find=_action(window, "&Find in this view…", SK.Find, "Ctrl+F"),
        next_tab=_action(window, "&Next tab", "Ctrl+Tab", "Ctrl+PgDown"),
        previous_tab=_action(window, "&Previous tab", "Ctrl+Shift+Tab", "Ctrl+PgUp"),
        tab_actions=[
            _action(window, f"&{n} {title}", f"Ctrl+{n}")
            for n, title in enumerate(tab_titles, start=1)
        ],
        about=_action(window, "&About Leadership Reader"),
        search=_action(window, "&Search everything…", "Ctrl+Shift+F"),
        add_document=_action(window, "&Add document…", SK.Open, "Ctrl+O"),
        remove_document=_action(window, "&Remove document…"),
        change_slot=_action(window, "&Change what this document is…"),
        goto_paragraph=_action(window, "Go to &paragraph…", "Ctrl+G"),
    )
    actions.print_ = _action(window, "&Print…", SK.Print, "Ctrl+P")
    actions.copy_citation = _action(window, "Copy with &citation", "Ctrl+Shift+C")
    actions.show_contents.setCheckable(True)
    actions.show_contents.setChecked(True)

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.setObjectName("menu-file")
    file_menu.addAction(actions.add_document)
    file_menu.addAction(actions.change_slot)
    file_menu.addAction(actions.remove_document)
    file_menu.addSeparator()
    file_menu.addAction(actions.print_)
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)

    edit_menu = bar.addMenu("&Edit")
    edit_menu.addAction(actions.copy_citation)
    edit_menu.addAction(actions.find)
    edit_menu.addAction(actions.search)

    view_menu = bar.addMenu("&View")
    view_menu.setObjectName("menu-view")
    for action in (actions.zoom_in, actions.zoom_out, actions.zoom_reset):
        view_menu.addAction(action)
    view_menu.addSeparator()
    view_menu.addAction(actions.show_contents)

    go_menu = bar.addMenu("&Go")
    go_menu.setObjectName("menu-go")
    go_menu.addAction(actions.back)
    go_menu.addAction(actions.forward)
    go_menu.addAction(actions.goto_paragraph)
    go_menu.addSeparator()
    for action in actions.tab_actions:
        go_menu.addAction(action)
    go_menu.addSeparator()
    go_menu.addAction(actions.next_tab)
    go_menu.addAction(actions.previous_tab)

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(actions.about)
    return actions
