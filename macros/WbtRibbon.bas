Attribute VB_Name = "WbtRibbon"
' Ribbon callbacks of workbook_tools.xlam (the tab defined in customUI14.xml).
' Each button runs one action of the Python package workbook_tools on the active
' workbook through xlwings' RunPython (module "xlwings" of this add-in's VBA project);
' Python shows every result and every error in a message box.
'
' This file is ASCII on purpose: Excel imports .bas files in the system's ANSI code
' page, so Chinese text is written as Unicode code points and decoded by Zh().
' Import it on Windows with "xlwings vba import" (see README.md in this folder).
Option Explicit

Private Const PY_ENTRY As String = "import workbook_tools.addin; workbook_tools.addin.on_ribbon"
' Zh() texts: title of the message boxes, no workbook open, title of the folder picker
Private Const TXT_TITLE As String = "39044 31639 20844 24320"
Private Const TXT_NO_WORKBOOK As String = "35831 20808 25171 24320 35201 22788 29702 30340 39044 31639 20844 24320 34920 24037 20316 31807 65288 22312 8220 21463 20445 25252 30340 35270 22270 8221 20013 35831 20808 28857 8220 21551 29992 32534 36753 8221 65289 12290"
Private Const TXT_PICK_FOLDER As String = "36873 25321 23548 20986 20844 24320 34920 30340 25991 20214 22841"
' Zh() text: title of the folder picker of the batch check
Private Const TXT_PICK_BATCH As String = "36873 25321 23384 25918 21508 21333 20301 24037 20316 31807 30340 25991 20214 22841 65288 27719 24635 26657 39564 65289"

Public Sub WbtCheck(control As IRibbonControl)
    RunAction "wbt_check", ""
End Sub

Public Sub WbtFill(control As IRibbonControl)
    RunAction "wbt_fill", ""
End Sub

Public Sub WbtClear(control As IRibbonControl)
    RunAction "wbt_clear", ""
End Sub

Public Sub WbtExport(control As IRibbonControl)
    RunAction "wbt_export", ""
End Sub

Public Sub WbtExportTo(control As IRibbonControl)
    Dim folder As String
    If Not HasWorkbook() Then Exit Sub
    folder = PickFolder(Zh(TXT_PICK_FOLDER))
    If folder = "" Then Exit Sub
    RunAction "wbt_export", folder
End Sub

' No workbook needs to be open: the batch check reads the workbooks of the folder picked.
Public Sub WbtBatch(control As IRibbonControl)
    Dim folder As String
    folder = PickFolder(Zh(TXT_PICK_BATCH))
    If folder = "" Then Exit Sub
    RunAction "wbt_batch", folder, False
End Sub

Public Sub WbtNarrative(control As IRibbonControl)
    RunAction "wbt_narrative", ""
End Sub

Private Sub RunAction(action As String, folder As String, Optional needBook As Boolean = True)
    If needBook Then
        If Not HasWorkbook() Then Exit Sub
    End If
    RunPython PY_ENTRY & "('" & action & "', '" & PyText(folder) & "')"
End Sub

Private Function HasWorkbook() As Boolean
    Dim found As Boolean
    found = Not (ActiveWorkbook Is Nothing)
    If Not found Then MsgBox Zh(TXT_NO_WORKBOOK), vbExclamation, Zh(TXT_TITLE)
    HasWorkbook = found
End Function

Private Function PickFolder(caption As String) As String
    With Application.FileDialog(4) ' msoFileDialogFolderPicker
        .Title = caption
        .AllowMultiSelect = False
        If .Show = -1 Then PickFolder = .SelectedItems(1)
    End With
End Function

' A text as the body of a single-quoted Python string literal.
Private Function PyText(value As String) As String
    PyText = Replace(Replace(value, "\", "\\"), "'", "\'")
End Function

' "39044 31639" -> the text of those Unicode code points.
Private Function Zh(codes As String) As String
    Dim code As Variant, decoded As String
    For Each code In Split(codes, " ")
        decoded = decoded & ChrW(CLng(code))
    Next code
    Zh = decoded
End Function
