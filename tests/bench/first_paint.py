"""Code shared by the start-up benchmarks' child processes.

``FIRST_PAINT`` defines ``watch``: an event filter that records the wall-clock time of the
first Paint event of the widget it is installed on, then quits the application. A child
installs it on the widget whose first paint counts and prints ``watch.t`` at the end.
"""

FIRST_PAINT = r"""
import time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "t"):
            self.t = time.time()
            QTimer.singleShot(0, QApplication.instance().quit)
        return False

watch = FirstPaint()
"""
